package dev.semstream.cli;

import dev.semstream.train.CorpusSplit;
import dev.semstream.train.TrainableGpt;
import dev.semstream.train.TrainingOptions;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Turns `train --minutes M` into a number of steps before the first one, since the learning-rate schedule is
 * laid out over the whole run and cannot stretch afterwards. A throwaway copy of the model times a few
 * forward-backward passes of one batch on the corpus for about three seconds, and the median of the later half
 * counts (the JIT is still compiling during the first ones); a step costs
 * {@code accumulation} of them, plus its share of the evaluations (a forward pass being about a third of a
 * forward-backward one). The count is stored in the checkpoint, so a resumed run keeps it whatever speed the
 * machine has then. The budget is a target, not a deadline: later steps usually run a little faster than the
 * first ones, a busy machine slower.
 */
final class TimeBudget {
    private static final int MIN_TIMED_PASSES = 3;
    private static final long MIN_TIMED_NANOS = 3_000_000_000L;
    private static final int MAX_TIMED_PASSES = 50;

    /**
     * @param steps       the run's steps
     * @param description how they were worked out, for the log and train.json
     */
    record Plan(long steps, String description) {
    }

    private TimeBudget() {
    }

    /**
     * @param probe a model of the run's shape, used for timing only (its gradients are left dirty)
     * @param spent time already gone (reading, tokenizing, this probe excluded), taken off the budget
     */
    static Plan plan(Duration budget, Duration spent, TrainableGpt probe, CorpusSplit split, TrainingOptions options) {
        int batch = options.batch();
        int seq = split.sequenceLength();
        int[] starts = new int[batch];
        int[] inputs = new int[batch * seq];
        int[] targets = new int[batch * seq];
        split.trainingStarts(options.seed(), 0, starts);
        split.fill(starts, 0, batch, inputs, targets);
        long probeStart = System.nanoTime();
        probe.forwardBackward(inputs, targets, batch, seq, 1f); // the first pass compiles most of the code
        List<Long> passes = new ArrayList<>();
        long timedStart = System.nanoTime();
        while (passes.size() < MIN_TIMED_PASSES
                || (System.nanoTime() - timedStart < MIN_TIMED_NANOS && passes.size() < MAX_TIMED_PASSES)) {
            long t = System.nanoTime();
            probe.forwardBackward(inputs, targets, batch, seq, 1f);
            passes.add(System.nanoTime() - t);
        }
        long now = System.nanoTime();
        // The JIT is still compiling during the first passes: the median of the later half is what the run will see.
        List<Long> later = new ArrayList<>(passes.subList(passes.size() / 2, passes.size()));
        Collections.sort(later);
        double pass = later.get(later.size() / 2) / 1e9;
        double evaluationShare = 2.0 * options.evalBatches() * (pass / 3) / options.evalEvery();
        double step = options.accumulation() * pass + evaluationShare;
        double left = budget.toNanos() / 1e9 - spent.toNanos() / 1e9 - (now - probeStart) / 1e9;
        long steps = Math.max(1, (long) Math.floor(left / step));
        return new Plan(steps, String.format(Locale.ROOT, "--minutes %s: %d steps of %.3f s (%d x %.3f s forward-backward:"
                        + " the median of the later half of %d passes; evaluations included) in the %.0f s left",
                minutes(budget), steps, step, options.accumulation(), pass, passes.size(), left));
    }

    private static String minutes(Duration d) {
        double m = d.toMillis() / 60_000.0;
        return m == Math.rint(m) ? Long.toString((long) m) : Double.toString(m);
    }
}
