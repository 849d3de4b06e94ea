package dev.semstream.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A corpus cut into blocks of one window ({@code sequenceLength + 1} tokens) each, with every k-th block held
 * out for validation (k = 1 / validationFraction, spread exactly for fractions that are not a reciprocal).
 * A corpus is usually several sources one after the other; holding out its last tenth would validate on the
 * last source alone, while blocks taken all along it validate on a sample of everything.
 *
 * <p>Training windows start anywhere inside the runs of training blocks between two validation blocks (never
 * reaching into one, so no validation token is ever trained on); validation windows are the validation
 * blocks themselves. Which windows a step trains on is a pure function of (seed, step): the same on a resumed
 * run as on an unbroken one, with no random generator state to save. They are drawn with replacement, as
 * nanoGPT does.
 */
public final class CorpusSplit {
    /** The stream of the fixed training windows evaluation uses: steps are never negative. */
    private static final long EVALUATION_STREAM = -1;

    private final int[] tokens;
    private final int sequenceLength;
    /** Start offsets and lengths of the runs of training tokens. */
    private final int[] runStart;
    private final int[] runLength;
    /** Training windows starting in runs [0, r): prefix sums of each run's count of window starts. */
    private final long[] startsBefore;
    private final int[] validationStarts;
    private final long trainingTokens;

    CorpusSplit(int[] tokens, int sequenceLength, double validationFraction) {
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequenceLength must be at least 1, got " + sequenceLength);
        }
        if (!(validationFraction >= 0 && validationFraction <= 0.5)) {
            throw new IllegalArgumentException("validationFraction must be in [0, 0.5], got " + validationFraction);
        }
        this.tokens = tokens;
        this.sequenceLength = sequenceLength;
        int window = sequenceLength + 1;
        List<int[]> runs = new ArrayList<>();
        List<Integer> validation = new ArrayList<>();
        int runFrom = 0;
        for (long block = 0; block * window < tokens.length; block++) {
            int from = (int) (block * window);
            int to = (int) Math.min(tokens.length, from + (long) window);
            if (heldOut(block, validationFraction)) {
                addRun(runs, runFrom, from, window);
                if (to - from == window) {
                    validation.add(from);
                }
                runFrom = to;
            }
        }
        addRun(runs, runFrom, tokens.length, window);
        runStart = runs.stream().mapToInt(r -> r[0]).toArray();
        runLength = runs.stream().mapToInt(r -> r[1]).toArray();
        startsBefore = new long[runs.size() + 1];
        long trained = 0;
        for (int r = 0; r < runs.size(); r++) {
            startsBefore[r + 1] = startsBefore[r] + runs.get(r)[1] - window + 1;
            trained += runs.get(r)[1];
        }
        trainingTokens = trained;
        validationStarts = validation.stream().mapToInt(Integer::intValue).toArray();
        if (trainingWindowStarts() == 0 || (validationFraction > 0 && validationStarts.length == 0)) {
            throw new TrainingException("the corpus of " + tokens.length + " tokens is too small to train on: with windows of "
                    + window + " tokens (the context plus the next token) and a validation fraction of " + validationFraction
                    + " it holds " + trainingWindowStarts() + " training and " + validationStarts.length
                    + " validation windows; it needs at least one of each, so at least "
                    + minimumTokens(window, validationFraction) + " tokens");
        }
    }

    /** Whether block {@code block} is a validation block: the blocks where floor(block x fraction) steps up. */
    private static boolean heldOut(long block, double fraction) {
        return Math.floor((block + 1) * fraction) > Math.floor(block * fraction);
    }

    private static long minimumTokens(int window, double fraction) {
        if (fraction == 0) {
            return window;
        }
        long first = 0;
        while (!heldOut(first, fraction)) {
            first++;
        }
        return Math.max(2, first + 1) * (long) window;
    }

    private static void addRun(List<int[]> runs, int from, int to, int window) {
        if (to - from >= window) {
            runs.add(new int[]{from, to - from});
        }
    }

    public int sequenceLength() {
        return sequenceLength;
    }

    /** Tokens in the runs training windows are drawn from. */
    public long trainingTokens() {
        return trainingTokens;
    }

    /** Distinct positions a training window can start at. */
    public long trainingWindowStarts() {
        return startsBefore[startsBefore.length - 1];
    }

    /** Held-out windows; their tokens are never trained on. */
    public int validationWindows() {
        return validationStarts.length;
    }

    /** Where validation window {@code index} starts in the corpus (for baselines computed on the same split). */
    public int validationWindowStart(int index) {
        return validationStarts[index];
    }

    /** Runs of consecutive training tokens, for statistics of the training side (see {@link NgramBaselines}). */
    int trainingRuns() {
        return runStart.length;
    }

    int trainingRunStart(int run) {
        return runStart[run];
    }

    int trainingRunLength(int run) {
        return runLength[run];
    }

    /** The token at a corpus position. */
    int token(int position) {
        return tokens[position];
    }

    /** Fills {@code into} with the start offsets of step {@code step}'s training windows, a function of (seed, step). */
    public void trainingStarts(long seed, long step, int[] into) {
        long stream = mix(mix(seed) ^ step);
        long total = trainingWindowStarts();
        for (int i = 0; i < into.length; i++) {
            into[i] = trainingStart(Long.remainderUnsigned(mix(stream + (i + 1) * 0x9E3779B97F4A7C15L), total));
        }
    }

    /** The fixed training windows evaluation measures on: the same for every evaluation of a run. */
    public int[] evaluationTrainingStarts(long seed, int windows) {
        int[] starts = new int[windows];
        trainingStarts(seed, EVALUATION_STREAM, starts);
        return starts;
    }

    /** At most {@code windows} validation windows, spread evenly over all of them. */
    public int[] evaluationValidationStarts(int windows) {
        int n = validationStarts.length;
        if (windows >= n) {
            return validationStarts.clone();
        }
        int[] starts = new int[windows];
        for (int i = 0; i < windows; i++) {
            starts[i] = validationStarts[(int) ((long) i * n / windows)];
        }
        return starts;
    }

    /**
     * Copies windows {@code starts[from .. from + count)} into a batch: row b of {@code inputs} is the window's
     * first sequenceLength tokens, row b of {@code targets} the same shifted by one.
     */
    public void fill(int[] starts, int from, int count, int[] inputs, int[] targets) {
        for (int b = 0; b < count; b++) {
            int start = starts[from + b];
            System.arraycopy(tokens, start, inputs, b * sequenceLength, sequenceLength);
            System.arraycopy(tokens, start + 1, targets, b * sequenceLength, sequenceLength);
        }
    }

    private int trainingStart(long index) {
        int run = Arrays.binarySearch(startsBefore, index);
        // An exact hit on a prefix sum is the first start of that run; otherwise the run before the insertion point.
        run = run >= 0 ? run : -run - 2;
        return runStart[run] + (int) (index - startsBefore[run]);
    }

    /** SplitMix64's finaliser: consecutive inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
