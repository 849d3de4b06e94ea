package dev.semstream.reference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.Map;

/**
 * ONNX Runtime running the same all-MiniLM-L6-v2 ONNX file as our engine, with the same pooling: the
 * reference our embeddings are checked against and the peer our benchmark runs beside.
 *
 * <p>Set up the way ONNX Runtime runs best here: every graph optimisation, all cores for intra-op
 * parallelism, sequential execution. A batch is padded to its longest text with an attention mask, the
 * only way ONNX Runtime takes texts of different lengths.
 */
public final class OnnxRuntimeEncoder implements AutoCloseable {
    public static final String MODEL_RESOURCE = "all-minilm-l6-v2.onnx";

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OnnxRuntimeEncoder(int threads) {
        try (InputStream in = OnnxRuntimeEncoder.class.getClassLoader().getResourceAsStream(MODEL_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(MODEL_RESOURCE + " is not on the classpath");
            }
            byte[] model = in.readAllBytes();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            session = env.createSession(model, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load " + MODEL_RESOURCE, e);
        }
    }

    /** Last hidden state, [batch][maxLen][hidden]; rows past a text's length are padding. */
    public float[][][] hiddenStates(int[][] ids) {
        int batch = ids.length;
        int maxLen = 0;
        for (int[] s : ids) {
            maxLen = Math.max(maxLen, s.length);
        }
        long[] inputIds = new long[batch * maxLen];
        long[] mask = new long[batch * maxLen];
        long[] types = new long[batch * maxLen];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < ids[b].length; t++) {
                inputIds[b * maxLen + t] = ids[b][t];
                mask[b * maxLen + t] = 1;
            }
        }
        long[] shape = {batch, maxLen};
        try (OnnxTensor idsT = OnnxTensor.createTensor(env, LongBuffer.wrap(inputIds), shape);
             OnnxTensor maskT = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
             OnnxTensor typesT = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape);
             OrtSession.Result r = session.run(Map.of("input_ids", idsT, "attention_mask", maskT,
                     "token_type_ids", typesT))) {
            return (float[][][]) r.get(0).getValue();
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed", e);
        }
    }

    /** Mean-pooled over each text's own tokens and L2-normalised: sentence-transformers' recipe. */
    public float[][] embed(int[][] ids) {
        float[][][] hidden = hiddenStates(ids);
        float[][] out = new float[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            int h = hidden[b][0].length;
            double[] sum = new double[h];
            for (int t = 0; t < ids[b].length; t++) {
                for (int i = 0; i < h; i++) {
                    sum[i] += hidden[b][t][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < h; i++) {
                sum[i] /= ids[b].length;
                norm += sum[i] * sum[i];
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            float[] v = new float[h];
            for (int i = 0; i < h; i++) {
                v[i] = (float) (sum[i] / norm);
            }
            out[b] = v;
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
