package dev.semstream.model.load;

import dev.semstream.model.BertConfig;
import dev.semstream.model.BertWeights;
import dev.semstream.model.ModelException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tensors collected from a checkpoint under their canonical BERT names, already in the engine's layout,
 * remembering where each came from. {@link #toWeights} then insists on an exact match with
 * {@link BertParameters#of}: a missing tensor, an extra one or a wrong shape is an error, never a zero.
 */
final class BertTensors {
    private record Entry(String origin, long[] shape, float[] values) {
    }

    private final String source;
    private final Map<String, Entry> byName = new LinkedHashMap<>();

    /** @param source the checkpoint, for messages (e.g. "ONNX model all-minilm-l6-v2.onnx") */
    BertTensors(String source) {
        this.source = source;
    }

    /**
     * @param name   canonical name, e.g. {@code encoder.layer.0.output.dense.weight}
     * @param origin the tensor's own name in the checkpoint, e.g. {@code onnx::MatMul_799}
     * @param shape  shape in engine layout (Linear weights [in, out])
     */
    void put(String name, String origin, long[] shape, float[] values) {
        Entry previous = byName.putIfAbsent(name, new Entry(origin, shape.clone(), values));
        if (previous != null) {
            throw new ModelException(source + ": both " + previous.origin() + " and " + origin + " map to " + name);
        }
    }

    boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Shape in engine layout; the tensor must be present. */
    long[] shape(String name) {
        Entry e = byName.get(name);
        if (e == null) {
            throw new ModelException(source + " has no tensor " + name);
        }
        return e.shape().clone();
    }

    /** Canonical names present, in insertion order. */
    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /** Checks the collection against the config's parameter list and builds the weights. */
    BertWeights toWeights(BertConfig config) {
        List<ModelParameter<BertWeights>> expected = BertParameters.of(config);
        List<String> missing = new ArrayList<>();
        Map<String, float[]> values = new HashMap<>();
        for (ModelParameter<BertWeights> p : expected) {
            Entry e = byName.get(p.name());
            if (e == null) {
                missing.add(p.name() + Arrays.toString(p.shape()));
                continue;
            }
            long[] want = Arrays.stream(p.shape()).asLongStream().toArray();
            if (!Arrays.equals(e.shape(), want)) {
                throw new ModelException(source + ": tensor " + e.origin() + " (" + p.name() + ") has shape "
                        + Arrays.toString(e.shape()) + ", expected " + Arrays.toString(want)
                        + (p.torchTransposed() ? " as [in, out]" : "") + " for " + describe(config));
            }
            values.put(p.name(), e.values());
        }
        if (!missing.isEmpty()) {
            throw new ModelException(source + " is missing " + missing.size() + " of the " + expected.size()
                    + " tensors a " + describe(config) + " needs: " + missing);
        }
        if (byName.size() != values.size()) {
            List<String> extra = new ArrayList<>();
            byName.forEach((name, e) -> {
                if (!values.containsKey(name)) {
                    extra.add(e.origin() + (e.origin().equals(name) ? "" : " (" + name + ")"));
                }
            });
            throw new ModelException(source + " has " + extra.size() + " tensors a " + describe(config)
                    + " does not use: " + extra);
        }
        return BertParameters.assemble(config, values);
    }

    static String describe(BertConfig c) {
        return "BERT with " + c.numLayers() + " layers, hidden " + c.hiddenSize() + ", intermediate "
                + c.intermediateSize() + ", vocab " + c.vocabSize();
    }
}
