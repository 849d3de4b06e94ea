package dev.semstream.model;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.PackedMatrix;
import dev.semstream.kernels.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The GPT-2 forward pass: token ids in, next-token logits out, one sequence at a time with its
 * {@link KvCache}. Each block is pre-LN:
 * <pre>
 *   x = x + Attention(LayerNorm_1(x)) W_proj          (causal: a position sees itself and earlier ones)
 *   x = x + GELU_tanh(LayerNorm_2(x) W_fc) W_mlp_proj
 * </pre>
 * then a final layer norm and the output head tied to the token embeddings, {@code logits = h wte^T}.
 *
 * <p>{@link #append} reads a run of new tokens after the cached ones: a whole prompt at once (prefill),
 * whose positions go through every dense layer as one batched GEMM, or one generated token at a time,
 * which is a matrix-vector product per weight. Only the last position's logits are computed, so the
 * head's 38M multiply-adds (for GPT-2 small) are paid once per call, not once per prompt token.
 *
 * <p>Thread-safe: weights are read-only, every call takes its own workspace; a cache is one caller's.
 */
public final class GptModel {
    private final GptConfig config;
    private final Kernels kernels;
    private final float[] tokenEmbeddings;
    private final float[] positionEmbeddings;
    private final List<Block> blocks;
    private final Norm finalNorm;
    /** wte transposed to [dim][vocab] and packed once, so the output head is an ordinary GEMM. */
    private final PackedMatrix outputHead;
    /** Activation buffers of finished calls, reused so steady generation allocates nothing. */
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();

    private record Block(Norm attentionNorm, PackedMatrix qkv, float[] qkvBias, PackedMatrix projection,
                         float[] projectionBias, Norm mlpNorm, PackedMatrix up, float[] upBias,
                         PackedMatrix down, float[] downBias) {
    }

    public GptModel(GptConfig config, GptWeights weights, Kernels kernels) {
        weights.validate(config);
        this.config = config;
        this.kernels = kernels;
        this.tokenEmbeddings = weights.tokenEmbeddings();
        this.positionEmbeddings = weights.positionEmbeddings();
        this.finalNorm = weights.finalNorm();
        List<Block> packed = new ArrayList<>();
        for (GptWeights.Layer l : weights.layers()) {
            packed.add(new Block(l.attentionNorm(), pack(l.qkv()), l.qkv().bias(),
                    pack(l.attentionProjection()), l.attentionProjection().bias(), l.mlpNorm(),
                    pack(l.mlpUp()), l.mlpUp().bias(), pack(l.mlpDown()), l.mlpDown().bias()));
        }
        this.blocks = List.copyOf(packed);
        this.outputHead = kernels.pack(transpose(tokenEmbeddings, config.vocabSize(), config.dim()), config.dim(),
                config.vocabSize());
    }

    public GptConfig config() {
        return config;
    }

    public Kernels kernels() {
        return kernels;
    }

    /** A cache for one sequence of up to {@code capacity} positions (at most the context length). */
    public KvCache newCache(int capacity) {
        return new KvCache(config, capacity);
    }

    /**
     * Reads {@code tokens} at the positions after the cached ones, adds their keys and values to the cache,
     * and returns the logits [vocabSize] for the token that follows the last of them.
     *
     * @throws IllegalArgumentException if tokens is empty, an id is outside the vocabulary, or the cache
     *                                  has no room for them
     */
    public float[] append(KvCache cache, int[] tokens) {
        return append(cache, tokens, null);
    }

    /**
     * {@link #append(KvCache, int[])}, handing every attention probability row of every layer to
     * {@code observer} (null: none) as it is computed; the new tokens' rows, each over the positions up to its
     * own. The logits and the cache are the same with or without one.
     */
    public float[] append(KvCache cache, int[] tokens, AttentionObserver observer) {
        float[] logits = new float[config.vocabSize()];
        run(cache, tokens, false, logits, observer);
        return logits;
    }

    /**
     * Like {@link #append}, but returns the logits after every one of the tokens, [tokens][vocabSize]: what
     * training and tests compare against; generation needs only the last row.
     */
    public float[] appendAllLogits(KvCache cache, int[] tokens) {
        float[] logits = new float[tokens.length * config.vocabSize()];
        run(cache, tokens, true, logits, null);
        return logits;
    }

    private void run(KvCache cache, int[] tokens, boolean everyPosition, float[] logits, AttentionObserver observer) {
        int n = tokens.length;
        if (n == 0) {
            throw new IllegalArgumentException("no tokens to read");
        }
        for (int id : tokens) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary of "
                        + config.vocabSize());
            }
        }
        cache.requireRoom(n);
        int d = config.dim();
        int start = cache.length();
        Workspace ws = acquire(n);
        try {
            // Token embedding plus the embedding of its absolute position.
            for (int i = 0; i < n; i++) {
                System.arraycopy(tokenEmbeddings, tokens[i] * d, ws.x, i * d, d);
                kernels.add(positionEmbeddings, (start + i) * d, ws.x, i * d, d);
            }
            for (int layer = 0; layer < blocks.size(); layer++) {
                Block b = blocks.get(layer);
                // Attention: normalise a copy, project to Q, K, V, cache K and V, attend causally over the cache.
                layerNormRows(ws.x, ws.normed, n, b.attentionNorm());
                kernels.gemm(ws.normed, 0, n, b.qkv(), b.qkvBias(), ws.qkv, 0, Epilogue.STORE);
                cache.store(layer, ws.qkv, d, 2 * d, 3 * d, n);
                Attention.causalSelfAttention(kernels, config.heads(), config.headSize(), n, start, ws.qkv, 3 * d,
                        cache.keys(layer), cache.values(layer), ws.context, d, observer, layer);
                // The heads' output, projected, joins the residual stream.
                kernels.gemm(ws.context, 0, n, b.projection(), b.projectionBias(), ws.x, 0, Epilogue.ACCUMULATE);
                // MLP: normalise a copy, widen with GELU fused in, project back onto the residual stream.
                layerNormRows(ws.x, ws.normed, n, b.mlpNorm());
                kernels.gemm(ws.normed, 0, n, b.up(), b.upBias(), ws.hidden, 0, Epilogue.GELU_TANH);
                kernels.gemm(ws.hidden, 0, n, b.down(), b.downBias(), ws.x, 0, Epilogue.ACCUMULATE);
            }
            cache.advance(n);
            // Final norm and the tied head, for the last position or for all of them.
            int first = everyPosition ? 0 : n - 1;
            int rows = n - first;
            System.arraycopy(ws.x, first * d, ws.normed, 0, rows * d);
            for (int r = 0; r < rows; r++) {
                kernels.layerNorm(ws.normed, r * d, finalNorm.gamma(), finalNorm.beta(), config.layerNormEps());
            }
            kernels.gemm(ws.normed, 0, rows, outputHead, null, logits, 0, Epilogue.STORE);
        } finally {
            workspaces.offer(ws);
        }
    }

    /** {@code out[r] = LayerNorm(x[r])} for n rows, leaving the residual stream x as it is. */
    private void layerNormRows(float[] x, float[] out, int n, Norm norm) {
        int d = config.dim();
        System.arraycopy(x, 0, out, 0, n * d);
        int chunk = 32;
        Parallel.forEach((n + chunk - 1) / chunk, c -> {
            int end = Math.min(n, (c + 1) * chunk);
            for (int r = c * chunk; r < end; r++) {
                kernels.layerNorm(out, r * d, norm.gamma(), norm.beta(), config.layerNormEps());
            }
        });
    }

    private Workspace acquire(int tokens) {
        Workspace ws = workspaces.poll();
        if (ws == null) {
            ws = new Workspace();
        }
        ws.ensure(tokens, config);
        return ws;
    }

    private PackedMatrix pack(Linear l) {
        return kernels.pack(l.weight(), l.in(), l.out());
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }

    /** Activation buffers for one call; sized for the most tokens read at once so far. */
    private static final class Workspace {
        int tokens;
        float[] x = new float[0];
        float[] normed = new float[0];
        float[] qkv = new float[0];
        float[] context = new float[0];
        float[] hidden = new float[0];

        void ensure(int n, GptConfig c) {
            if (n > tokens) {
                int d = c.dim();
                tokens = n;
                x = new float[n * d];
                normed = new float[n * d];
                qkv = new float[n * 3 * d];
                context = new float[n * d];
                hidden = new float[n * c.mlpDim()];
            }
        }
    }
}
