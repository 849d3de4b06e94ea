package dev.semstream.reference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.semstream.model.Pooling;
import dev.semstream.model.load.BundledModel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.LongBuffer;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * ONNX Runtime running the same bundled ONNX file as our engine (all-MiniLM-L6-v2 unless told), pooled the
 * way the model's card says: the reference our embeddings are checked against and the peer our benchmark
 * runs beside. Token ids come from the caller, prefixes included.
 *
 * <p>Set up the way ONNX Runtime runs best here: every graph optimisation, all cores for intra-op
 * parallelism, sequential execution. A batch is padded to its longest text with an attention mask, the
 * only way ONNX Runtime takes texts of different lengths.
 */
public final class OnnxRuntimeEncoder implements AutoCloseable {
    /** The environment's own thread's stack; see {@link #environment()}. */
    private static final long ENVIRONMENT_STACK_BYTES = 64L << 20;

    private final OrtEnvironment env = environment();
    private final OrtSession session;
    private final Pooling pooling;

    /** The default model, all-MiniLM-L6-v2. */
    public OnnxRuntimeEncoder(int threads) {
        this(BundledModel.ALL_MINILM_L6_V2, threads);
    }

    public OnnxRuntimeEncoder(BundledModel bundled, int threads) {
        String resource = bundled.onnxResource();
        pooling = bundled.card().pooling();
        try (InputStream in = OnnxRuntimeEncoder.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
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
            throw new IllegalStateException("ONNX Runtime could not load " + resource, e);
        }
    }

    /**
     * ONNX Runtime's process-wide environment, created on a thread with a 64 MiB stack. Creating it starts
     * ONNX Runtime 1.29's telemetry on Linux, whose set-up runs a recursive std::regex over the process's
     * command line: measured, about 250 bytes of native stack per byte of /proc/self/cmdline (a core dump of
     * the crash shows 11,950 frames of it under {@code OrtEnvironment.createHandle}). bench/run-main passes a
     * 10.5k-character classpath, so on the 1 MiB main thread this ran past the guard pages and the JVM died
     * of SIGSEGV with no hs_err file (no stack was left for its signal handler); surefire's short command
     * line stayed under it. 64 MiB covers a command line of over 200k characters. Only the creation needs
     * it: sessions and runs on the caller's thread were checked with the same long command line.
     */
    private static OrtEnvironment environment() {
        FutureTask<OrtEnvironment> create = new FutureTask<>(OrtEnvironment::getEnvironment);
        new Thread(null, create, "onnxruntime-environment", ENVIRONMENT_STACK_BYTES).start();
        try {
            return create.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the ONNX Runtime environment", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("ONNX Runtime could not create its environment", e.getCause());
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

    /**
     * Pooled as the card says and L2-normalised: sentence-transformers' recipe. Mean pooling averages each
     * text's own tokens (the attention-masked mean); CLS pooling takes the first token's vector.
     */
    public float[][] embed(int[][] ids) {
        float[][][] hidden = hiddenStates(ids);
        float[][] out = new float[ids.length][];
        for (int b = 0; b < ids.length; b++) {
            int h = hidden[b][0].length;
            double[] sum = new double[h];
            int pooled = pooling == Pooling.CLS ? 1 : ids[b].length;
            for (int t = 0; t < pooled; t++) {
                for (int i = 0; i < h; i++) {
                    sum[i] += hidden[b][t][i];
                }
            }
            double norm = 0;
            for (int i = 0; i < h; i++) {
                sum[i] /= pooled;
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
