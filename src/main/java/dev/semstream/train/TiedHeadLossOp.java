package dev.semstream.train;

import dev.semstream.kernels.Epilogue;
import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.PackedMatrix;

/**
 * The output head tied to the token embeddings and the softmax cross-entropy on it, forward and backward together,
 * a block of rows at a time: nanoGPT's
 * <pre>
 *   logits = lm_head(x)                           lm_head.weight is wte
 *   loss = F.cross_entropy(logits, targets)       mean over rows of logsumexp(logits) - logits[target]
 * </pre>
 * For each block: the logits, the softmax in place, each row's loss, then {@code dlogits = (softmax - onehot) *
 * gradScale / rows} in place of the softmax, {@code dx = dlogits wte} for the block's rows and {@code dwte +=
 * dlogits^T x}. So the logits of a block of rows exist at a time, never all of them (4096 x 8192 floats for a
 * batch of 16 x 256 at vocabulary 8192: 128 MB). Blocks run in order, each GEMM on all cores, so dwte sums the
 * blocks in the same order every time.
 */
final class TiedHeadLossOp {
    /** Rows per block: a sequence's worth, enough depth for the dwte GEMM and 8 MB of logits at vocabulary 8192. */
    static final int BLOCK = 256;
    private final Kernels kernels;
    private final float[] wte;
    private final float[] wteGrad;
    private final int vocab;
    private final int dim;
    private final float[] packedData;
    private final float[] packedTransposedData;
    private PackedMatrix wtePacked;
    private PackedMatrix wteTransposed;
    private float[] logits = new float[0];

    TiedHeadLossOp(Kernels kernels, float[] wte, float[] wteGrad, int vocab, int dim) {
        this.kernels = kernels;
        this.wte = wte;
        this.wteGrad = wteGrad;
        this.vocab = vocab;
        this.dim = dim;
        this.packedData = kernels.packBuffer(vocab, dim);
        this.packedTransposedData = kernels.packBuffer(dim, vocab);
    }

    /** Packs the current wte: transposed for the logits, and as is for dx when there is a backward pass. */
    void pack(boolean backwardToo) {
        wteTransposed = kernels.packTransposedInto(wte, 0, dim, vocab, dim, packedTransposedData);
        if (backwardToo) {
            wtePacked = kernels.packInto(wte, 0, dim, vocab, dim, packedData);
        }
    }

    /**
     * Writes each row's loss into {@code rowLoss}; with {@code dx} non-null also writes dx and adds into dwte, for
     * a loss that is {@code gradScale} times the mean over {@code rows}.
     */
    void run(float[] x, int[] targets, int rows, float[] rowLoss, float gradScale, float[] dx,
             GradientScratch scratch) {
        float[] block = logits(Math.min(rows, BLOCK));
        float dScale = gradScale / rows;
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int n = Math.min(BLOCK, rows - r0);
            int first = r0;
            // logits = x wte^T
            kernels.gemm(x, first * dim, n, wteTransposed, null, block, 0, Epilogue.STORE);
            Rows.inChunks(n, (i0, i1) -> {
                for (int i = i0; i < i1; i++) {
                    int row = i * vocab;
                    int target = targets[first + i];
                    float targetLogit = block[row + target];
                    // softmax in place; loss = logsumexp - logit of the target
                    float logSumExp = kernels.softmax(block, row, vocab);
                    rowLoss[first + i] = logSumExp - targetLogit;
                    if (dx != null) {
                        // d loss / d logits = softmax - onehot(target), times the mean's 1/rows and the scale
                        kernels.scale(block, row, vocab, dScale);
                        block[row + target] -= dScale;
                    }
                }
            });
            if (dx != null) {
                // dx = dlogits wte: each row's gradient back through the head
                kernels.gemm(block, 0, n, wtePacked, null, dx, first * dim, Epilogue.STORE);
                // dwte += dlogits^T x: the head's share of the tied embedding's gradient
                kernels.gemmTransposedA(block, 0, x, first * dim, n, vocab, dim, wteGrad,
                        scratch.transposed(vocab * n), scratch.packed(n, dim));
            }
        }
    }

    /** The logits of all rows, [rows][vocab], allocated: for tests and evaluation, not the step loop. */
    float[] logits(float[] x, int rows) {
        float[] all = new float[rows * vocab];
        kernels.gemm(x, 0, rows, wteTransposed, null, all, 0, Epilogue.STORE);
        return all;
    }

    private float[] logits(int rows) {
        if (logits.length < rows * vocab) {
            logits = new float[rows * vocab];
        }
        return logits;
    }
}
