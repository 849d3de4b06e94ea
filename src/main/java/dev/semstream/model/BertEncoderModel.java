package dev.semstream.model;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.PackedMatrix;
import dev.semstream.kernels.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The BERT forward pass over a batch of token-id sequences, without a tokenizer or pooling.
 *
 * <p>Texts of different lengths are packed end to end into one [tokens][hidden] matrix, so the dense
 * layers (three quarters of the work) run as one large GEMM with no padding; only attention, which
 * must not mix texts, runs per text. Each block is post-LN, as in the original BERT:
 * <pre>
 *   x = LayerNorm(x + Attention(x) W_o)
 *   x = LayerNorm(x + GELU(x W_1) W_2)
 * </pre>
 * Thread-safe: the weights are read-only and every call takes its own {@link Workspace}.
 */
public final class BertEncoderModel {
    private final BertConfig config;
    private final Kernels kernels;
    private final float[] wordEmbeddings;
    private final float[] positionEmbeddings;
    private final float[] typeEmbeddings;
    private final Norm embeddingNorm;
    private final List<Block> blocks;
    /** Activation buffers of finished calls, reused so a steady stream of batches allocates nothing. */
    private final ConcurrentLinkedQueue<Workspace> workspaces = new ConcurrentLinkedQueue<>();

    /** One block's weights, packed for the GEMM; Q, K and V fused into one [hidden][3 x hidden] matrix. */
    private record Block(PackedMatrix qkv, float[] qkvBias, PackedMatrix attentionOutput, float[] attentionOutputBias,
                         Norm attentionNorm, PackedMatrix intermediate, float[] intermediateBias,
                         PackedMatrix output, float[] outputBias, Norm outputNorm) {
    }

    public BertEncoderModel(BertConfig config, BertWeights weights, Kernels kernels) {
        weights.validate(config);
        this.config = config;
        this.kernels = kernels;
        this.wordEmbeddings = weights.wordEmbeddings();
        this.positionEmbeddings = weights.positionEmbeddings();
        this.typeEmbeddings = weights.typeEmbeddings();
        this.embeddingNorm = weights.embeddingNorm();
        List<Block> packed = new ArrayList<>();
        for (BertWeights.Layer l : weights.layers()) {
            Linear qkv = concatColumns(l.query(), l.key(), l.value());
            packed.add(new Block(
                    kernels.pack(qkv.weight(), qkv.in(), qkv.out()), qkv.bias(),
                    pack(l.attentionOutput()), l.attentionOutput().bias(), l.attentionNorm(),
                    pack(l.intermediate()), l.intermediate().bias(),
                    pack(l.output()), l.output().bias(), l.outputNorm()));
        }
        this.blocks = List.copyOf(packed);
    }

    public BertConfig config() {
        return config;
    }

    public Kernels kernels() {
        return kernels;
    }

    /**
     * Runs the encoder over the given sequences (token ids, special tokens included, token type 0).
     * Returns the last hidden state, [sum of lengths][hidden], the sequences packed in order.
     */
    public float[] forward(int[][] ids) {
        Workspace ws = acquire(ids);
        try {
            run(ids, ws, null);
            int tokens = ws.sequences.length == 0 ? 0 : totalTokens(ids);
            float[] result = new float[tokens * config.hiddenSize()];
            System.arraycopy(ws.x, 0, result, 0, result.length);
            return result;
        } finally {
            workspaces.offer(ws);
        }
    }

    /**
     * Runs the encoder and hands the last hidden state to {@code reader} while the workspace is held,
     * so poolers can read it without a copy.
     */
    public <T> T forward(int[][] ids, HiddenStateReader<T> reader) {
        return forward(ids, null, reader);
    }

    /**
     * {@link #forward(int[][], HiddenStateReader)}, handing every attention probability row of every layer to
     * {@code observer} (null: none) as it is computed. The hidden state is the same with or without one.
     */
    public <T> T forward(int[][] ids, AttentionObserver observer, HiddenStateReader<T> reader) {
        Workspace ws = acquire(ids);
        try {
            run(ids, ws, observer);
            return reader.read(ws.x, ws.sequences, config.hiddenSize());
        } finally {
            workspaces.offer(ws);
        }
    }

    /** Reads the packed last hidden state; must not keep a reference to {@code hidden}. */
    @FunctionalInterface
    public interface HiddenStateReader<T> {
        T read(float[] hidden, Attention.Sequence[] sequences, int hiddenSize);
    }

    private void run(int[][] ids, Workspace ws, AttentionObserver observer) {
        int h = config.hiddenSize();
        int tokens = totalTokens(ids);
        embed(ids, ws);
        for (int layer = 0; layer < blocks.size(); layer++) {
            Block b = blocks.get(layer);
            // Q, K and V of every token in one GEMM.
            kernels.gemm(ws.x, 0, tokens, b.qkv(), b.qkvBias(), ws.qkv, 0, Epilogue.STORE);
            // Each token gathers from the tokens of its own text.
            Attention.selfAttention(kernels, ws.sequences, ws.qkv, 3 * h, 0, h, 2 * h, ws.context, h,
                    config.numHeads(), config.headSize(), observer, layer);
            // Output projection added onto the residual stream, then normalised.
            kernels.gemm(ws.context, 0, tokens, b.attentionOutput(), b.attentionOutputBias(), ws.x, 0,
                    Epilogue.ACCUMULATE);
            layerNormRows(ws.x, tokens, b.attentionNorm());
            // The MLP: widen with GELU fused in, project back onto the residual stream, normalise.
            kernels.gemm(ws.x, 0, tokens, b.intermediate(), b.intermediateBias(), ws.intermediate, 0, Epilogue.GELU);
            kernels.gemm(ws.intermediate, 0, tokens, b.output(), b.outputBias(), ws.x, 0, Epilogue.ACCUMULATE);
            layerNormRows(ws.x, tokens, b.outputNorm());
        }
    }

    /** Word + position + token-type embeddings, then layer norm, for every token. */
    private void embed(int[][] ids, Workspace ws) {
        int h = config.hiddenSize();
        Attention.Sequence[] seqs = ws.sequences;
        Parallel.forEach(seqs.length, s -> {
            int[] seq = ids[s];
            for (int pos = 0; pos < seq.length; pos++) {
                int row = (seqs[s].start() + pos) * h;
                System.arraycopy(wordEmbeddings, seq[pos] * h, ws.x, row, h);
                kernels.add(positionEmbeddings, pos * h, ws.x, row, h);
                kernels.add(typeEmbeddings, 0, ws.x, row, h);
                kernels.layerNorm(ws.x, row, embeddingNorm.gamma(), embeddingNorm.beta(), config.layerNormEps());
            }
        });
    }

    private void layerNormRows(float[] x, int rows, Norm norm) {
        int h = config.hiddenSize();
        int chunk = 32;
        Parallel.forEach((rows + chunk - 1) / chunk, c -> {
            int end = Math.min(rows, (c + 1) * chunk);
            for (int r = c * chunk; r < end; r++) {
                kernels.layerNorm(x, r * h, norm.gamma(), norm.beta(), config.layerNormEps());
            }
        });
    }

    private Workspace acquire(int[][] ids) {
        int tokens = 0;
        Attention.Sequence[] seqs = new Attention.Sequence[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int[] seq = ids[i];
            if (seq == null || seq.length == 0) {
                throw new IllegalArgumentException("sequence " + i + " is empty");
            }
            if (seq.length > config.maxPositions()) {
                throw new IllegalArgumentException("sequence " + i + " has " + seq.length
                        + " tokens, more than the model's " + config.maxPositions() + " positions");
            }
            for (int id : seq) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " in sequence " + i
                            + " is outside the vocabulary of " + config.vocabSize());
                }
            }
            seqs[i] = new Attention.Sequence(tokens, seq.length);
            tokens += seq.length;
        }
        Workspace ws = workspaces.poll();
        if (ws == null) {
            ws = new Workspace();
        }
        ws.ensure(tokens, config);
        ws.sequences = seqs;
        return ws;
    }

    private static int totalTokens(int[][] ids) {
        int t = 0;
        for (int[] s : ids) {
            t += s.length;
        }
        return t;
    }

    private PackedMatrix pack(Linear l) {
        return kernels.pack(l.weight(), l.in(), l.out());
    }

    /** [in][a + b + c]: the three projections side by side, so one GEMM computes all three. */
    private static Linear concatColumns(Linear a, Linear b, Linear c) {
        int in = a.in();
        int out = a.out() + b.out() + c.out();
        float[] w = new float[in * out];
        for (int r = 0; r < in; r++) {
            System.arraycopy(a.weight(), r * a.out(), w, r * out, a.out());
            System.arraycopy(b.weight(), r * b.out(), w, r * out + a.out(), b.out());
            System.arraycopy(c.weight(), r * c.out(), w, r * out + a.out() + b.out(), c.out());
        }
        float[] bias = new float[out];
        System.arraycopy(a.bias(), 0, bias, 0, a.out());
        System.arraycopy(b.bias(), 0, bias, a.out(), b.out());
        System.arraycopy(c.bias(), 0, bias, a.out() + b.out(), c.out());
        return new Linear(w, bias, in, out);
    }

    /** Activation buffers for one call; sized for the largest batch seen so far. */
    private static final class Workspace {
        float[] x = new float[0];
        float[] qkv = new float[0];
        float[] context = new float[0];
        float[] intermediate = new float[0];
        Attention.Sequence[] sequences;

        void ensure(int tokens, BertConfig c) {
            int h = c.hiddenSize();
            if (x.length < tokens * h) {
                x = new float[tokens * h];
                qkv = new float[tokens * 3 * h];
                context = new float[tokens * h];
                intermediate = new float[tokens * c.intermediateSize()];
            }
        }
    }
}
