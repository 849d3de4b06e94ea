package dev.semstream.train;

/**
 * Token plus position embedding, nanoGPT's {@code x = wte(idx) + wpe(pos)}, and its backward pass: each row's
 * gradient flows unchanged into the row of wte its token picked and the row of wpe its position picked.
 */
final class EmbeddingOp {
    private EmbeddingOp() {
    }

    /** {@code x[b, t] = wte[inputs[b, t]] + wpe[t]} for batch x seqLen rows of width d. */
    static void forward(float[] wte, float[] wpe, int[] inputs, int rows, int seqLen, int d, float[] x) {
        Rows.inChunks(rows, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int tok = inputs[r] * d;
                int pos = (r % seqLen) * d;
                int row = r * d;
                for (int c = 0; c < d; c++) {
                    x[row + c] = wte[tok + c] + wpe[pos + c];
                }
            }
        });
    }

    /**
     * {@code dwte[inputs[r]] += dx[r]}, {@code dwpe[r mod seqLen] += dx[r]}. Tokens repeat, so tasks own columns
     * rather than rows: every task adds all rows, in order, into its own columns.
     */
    static void backward(float[] dx, int[] inputs, int rows, int seqLen, int d, float[] dwte, float[] dwpe) {
        Rows.inColumnBlocks(d, (c0, c1) -> {
            for (int r = 0; r < rows; r++) {
                int tok = inputs[r] * d;
                int pos = (r % seqLen) * d;
                int row = r * d;
                for (int c = c0; c < c1; c++) {
                    dwte[tok + c] += dx[row + c];
                    dwpe[pos + c] += dx[row + c];
                }
            }
        });
    }
}
