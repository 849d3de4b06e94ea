package dev.semstream.model.load;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.BertEncoderModel;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.ModelException;
import dev.semstream.tokenize.Tokenizer;
import dev.semstream.tokenize.WordPieceTokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where encoders come from: a bundled model ({@link BundledModel}: all-MiniLM-L6-v2, the default;
 * bge-small-en-v1.5; e5-small-v2), a PyTorch-exported BERT .onnx file, or a Hugging Face checkpoint directory.
 * Each call loads afresh (the default model takes a few hundred milliseconds and ~90 MB of heap, the 12-layer
 * ones about twice that); keep the result rather than calling again.
 */
public final class EncoderModels {
    /** Name of the bundled default encoder. */
    public static final String DEFAULT_NAME = BundledModel.ALL_MINILM_L6_V2.modelName();
    /** Classpath resource of the default encoder's ONNX graph (Xenova's export). */
    static final String DEFAULT_ONNX_RESOURCE = BundledModel.ALL_MINILM_L6_V2.onnxResource();
    /**
     * MiniLM-L6's head count, used only if its graph ever stopped stating it (today it does, in every
     * attention block's Reshape and in the 1/sqrt(32) score scale).
     */
    private static final int DEFAULT_HEADS = 12;

    private EncoderModels() {
    }

    /** sentence-transformers/all-MiniLM-L6-v2 (384 wide, 6 layers, 12 heads) from the classpath. */
    public static LoadedEncoder defaultModel() {
        return bundled(BundledModel.ALL_MINILM_L6_V2);
    }

    /**
     * A bundled model from the classpath, with its card. All three are the same exporter's unoptimized BERT
     * graphs (they differ in depth and in whether the position-id buffer is stored), so one mapper reads
     * them; the head-count fallback is MiniLM's and only ever used if a graph stopped stating it.
     */
    public static LoadedEncoder bundled(BundledModel bundled) {
        byte[] onnx = classpathResource(bundled.onnxResource(), bundled);
        byte[] tokenizer = classpathResource(bundled.tokenizerResource(), bundled);
        OnnxModel model = OnnxModelReader.read(onnx, "classpath:" + bundled.onnxResource());
        OnnxBertMapper.Result mapped = OnnxBertMapper.map(model.graph(), bundled.onnxResource(),
                OptionalInt.of(DEFAULT_HEADS));
        return new LoadedEncoder(bundled.modelName(), mapped.config(), mapped.weights(), tokenizer, bundled.card());
    }

    /**
     * A BERT encoder exported from PyTorch to a self-contained .onnx file (as optimum / torch.onnx.export
     * write it, unoptimized), with its tokenizer.json.
     */
    public static LoadedEncoder fromOnnx(Path onnx, Path tokenizerJson, String name) {
        OnnxModel model = OnnxModelReader.read(onnx);
        OnnxBertMapper.Result mapped = OnnxBertMapper.map(model.graph(), onnx.toString());
        byte[] tokenizer = ModelFiles.readAllBytes(tokenizerJson, "tokenizer file");
        return new LoadedEncoder(name, mapped.config(), mapped.weights(), tokenizer);
    }

    /** A Hugging Face checkpoint directory; see {@link HfBertCheckpoint}. Named after the directory. */
    public static LoadedEncoder fromHuggingFaceDir(Path dir) {
        return HfBertCheckpoint.load(dir);
    }

    /**
     * The encoder a {@code --model} value names: null for the bundled default, a {@link BundledModel#names()
     * bundled model's name}, else a Hugging Face checkpoint directory. Options left open are the model card's.
     * Every instance resolves the same value to the same model, so the value is what a re-embedding's control
     * record carries.
     */
    public static Encoder named(String location, EncoderOptions options) {
        if (location == null) {
            return encoder(null, options);
        }
        Optional<BundledModel> bundled = BundledModel.named(location);
        if (bundled.isPresent()) {
            return assemble(bundled(bundled.get()), options, Kernels.best());
        }
        return encoder(Path.of(location), options);
    }

    /**
     * A ready {@link Encoder}: the checkpoint directory's model, or the bundled default when {@code dir} is
     * null, on the fastest kernels this JVM has.
     */
    public static Encoder encoder(Path dir, EncoderOptions options) {
        return encoder(dir, options, Kernels.best());
    }

    /** As {@link #encoder(Path, EncoderOptions)}, on the given kernels (tests pin the scalar ones). */
    public static Encoder encoder(Path dir, EncoderOptions options, Kernels kernels) {
        return assemble(dir == null ? defaultModel() : fromHuggingFaceDir(dir), options, kernels);
    }

    /** Tokenizer, packed weights and model id of a loaded encoder, put together. */
    public static Encoder assemble(LoadedEncoder loaded, EncoderOptions options, Kernels kernels) {
        Tokenizer tokenizer;
        try {
            tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(loaded.tokenizerJson()),
                    loaded.name() + " tokenizer.json");
        } catch (IOException e) {
            throw new ModelException("cannot read the tokenizer of " + loaded.name() + ": " + e.getMessage(), e);
        }
        BertEncoderModel model = new BertEncoderModel(loaded.config(), loaded.weights(), kernels);
        return new Encoder(loaded.modelId(), tokenizer, model, loaded.card(), options);
    }

    /**
     * Reads a classpath resource in one piece. Jar entries report their size, so the array is allocated
     * once at the right length instead of growing through copies (which matters for the 90 MB model).
     */
    static byte[] classpathResource(String name, BundledModel of) {
        URL url = EncoderModels.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new ModelException("classpath resource " + name + " not found; encoder " + of.modelName()
                    + " needs dev.langchain4j:" + of.artifact() + " on the classpath");
        }
        try {
            URLConnection connection = url.openConnection();
            long size = connection.getContentLengthLong();
            try (InputStream in = connection.getInputStream()) {
                if (size <= 0 || size > Integer.MAX_VALUE - 8) {
                    return in.readAllBytes();
                }
                byte[] bytes = in.readNBytes((int) size);
                if (bytes.length != size || in.read() != -1) {
                    throw new ModelException("classpath resource " + name + " is not the " + size
                            + " bytes its jar entry declares");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new ModelException("cannot read classpath resource " + name + ": " + e.getMessage(), e);
        }
    }
}
