package dev.semstream.train;

import dev.semstream.kernels.Parallel;

/**
 * How the training ops split work across cores without giving up determinism: a per-row op runs over fixed
 * chunks of rows (each task writes only its own rows), and a sum over rows, such as a bias gradient, runs over
 * fixed blocks of columns, each task adding every row in order. No result depends on which thread ran a task.
 */
final class Rows {
    /** Rows per task of a per-row op: enough work to amortise a task's hand-off. */
    static final int CHUNK = 32;
    /** Columns per task of a column sum: a few cache lines across, so tasks do not share lines they write. */
    static final int COLUMNS = 64;

    private Rows() {
    }

    /** Work over a range [from, to) of rows or columns. */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    /** Runs the task over chunks of [0, rows), in parallel. */
    static void inChunks(int rows, RangeTask task) {
        Parallel.forEach((rows + CHUNK - 1) / CHUNK, c -> task.run(c * CHUNK, Math.min(rows, (c + 1) * CHUNK)));
    }

    /** Runs the task over blocks of [0, cols), in parallel. */
    static void inColumnBlocks(int cols, RangeTask task) {
        Parallel.forEach((cols + COLUMNS - 1) / COLUMNS, b -> task.run(b * COLUMNS, Math.min(cols, (b + 1) * COLUMNS)));
    }

    /** {@code sums[c] += sum_r x[r * cols + c]} for every column, rows added in order. */
    static void addColumnSums(float[] x, int rows, int cols, float[] sums) {
        inColumnBlocks(cols, (c0, c1) -> {
            for (int r = 0; r < rows; r++) {
                int row = r * cols;
                for (int c = c0; c < c1; c++) {
                    sums[c] += x[row + c];
                }
            }
        });
    }
}
