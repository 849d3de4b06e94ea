package dev.semstream.train;

import dev.semstream.kernels.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter; PyTorch's {@code torch.optim.AdamW}): the decay
 * shrinks a weight by {@code lr x weightDecay} directly instead of being added to its gradient, where Adam's
 * per-weight scaling would undo it. Only {@link Parameter#decayed()} tensors decay; pulling a norm's gain or a
 * bias toward zero only hurts. Both moments are bias-corrected, so the first steps are not shrunk toward zero.
 *
 * <p>The update is elementwise, so it runs in parallel over fixed chunks with the same result whichever
 * thread takes which chunk. The moment arrays and the chunk table are made once; a step allocates nothing.
 */
public final class AdamW {
    /** Elements per parallel task: a few hundred KB of the four arrays, enough to amortise a hand-off. */
    private static final int CHUNK = 1 << 15;

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final float[][] m;
    private final float[][] v;
    private final int[] taskParameter;
    private final int[] taskFrom;
    private final int[] taskTo;
    private final IntConsumer update = this::update;
    private long steps;

    // The step's operands, set before the parallel loop starts (which publishes them to its helpers).
    private List<Parameter> parameters;
    private float decayFactor;
    private float stepSize;
    private float rootCorrection;

    public AdamW(List<Parameter> parameters, float beta1, float beta2, float epsilon, float weightDecay) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("AdamW needs beta1, beta2 in [0, 1), epsilon > 0 and weightDecay >= 0, got "
                    + beta1 + ", " + beta2 + ", " + epsilon + ", " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        int n = parameters.size();
        m = new float[n][];
        v = new float[n][];
        List<int[]> tasks = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            int size = parameters.get(p).value().length;
            m[p] = new float[size];
            v[p] = new float[size];
            for (int from = 0; from < size; from += CHUNK) {
                tasks.add(new int[]{p, from, Math.min(size, from + CHUNK)});
            }
        }
        taskParameter = tasks.stream().mapToInt(t -> t[0]).toArray();
        taskFrom = tasks.stream().mapToInt(t -> t[1]).toArray();
        taskTo = tasks.stream().mapToInt(t -> t[2]).toArray();
    }

    public static AdamW of(List<Parameter> parameters, TrainingOptions o) {
        return new AdamW(parameters, o.beta1(), o.beta2(), o.epsilon(), o.weightDecay());
    }

    /** Applies one update from the gradients now in {@code parameters} (the list this optimizer was made for). */
    public void step(List<Parameter> parameters, float learningRate) {
        checkMatches(parameters);
        steps++;
        double correction1 = 1 - Math.pow(beta1, steps);
        double correction2 = 1 - Math.pow(beta2, steps);
        this.parameters = parameters;
        decayFactor = (float) (1 - (double) learningRate * weightDecay);
        stepSize = (float) (learningRate / correction1);
        rootCorrection = (float) (1 / Math.sqrt(correction2));
        try {
            Parallel.forEach(taskParameter.length, update);
        } finally {
            this.parameters = null;
        }
    }

    private void update(int task) {
        int p = taskParameter[task];
        Parameter param = parameters.get(p);
        float[] w = param.value();
        float[] g = param.grad();
        float[] mp = m[p];
        float[] vp = v[p];
        float decay = param.decayed() ? decayFactor : 1f;
        float b1 = beta1;
        float b2 = beta2;
        float a1 = 1 - beta1;
        float a2 = 1 - beta2;
        float size = stepSize;
        float root = rootCorrection;
        float eps = epsilon;
        for (int i = taskFrom[task], end = taskTo[task]; i < end; i++) {
            float gi = g[i];
            float mi = b1 * mp[i] + a1 * gi;
            float vi = b2 * vp[i] + a2 * gi * gi;
            mp[i] = mi;
            vp[i] = vi;
            w[i] = w[i] * decay - size * mi / ((float) Math.sqrt(vi) * root + eps);
        }
    }

    /** Updates applied so far; the bias corrections depend on it. */
    public long stepCount() {
        return steps;
    }

    /** The first moment of parameter {@code index}, live (for checkpoints). */
    public float[] firstMoment(int index) {
        return m[index];
    }

    /** The second moment of parameter {@code index}, live (for checkpoints). */
    public float[] secondMoment(int index) {
        return v[index];
    }

    /** Continues from a checkpoint: the update count, and the moments copied into this optimizer's arrays. */
    public void restore(long stepCount, List<float[]> firstMoments, List<float[]> secondMoments) {
        if (stepCount < 0 || firstMoments.size() != m.length || secondMoments.size() != v.length) {
            throw new IllegalArgumentException("optimizer state for " + firstMoments.size() + " and " + secondMoments.size()
                    + " tensors at step " + stepCount + ", expected " + m.length);
        }
        for (int p = 0; p < m.length; p++) {
            copy(firstMoments.get(p), m[p], p);
            copy(secondMoments.get(p), v[p], p);
        }
        steps = stepCount;
    }

    private static void copy(float[] from, float[] to, int p) {
        if (from.length != to.length) {
            throw new IllegalArgumentException("optimizer state of tensor " + p + " has " + from.length
                    + " values, expected " + to.length);
        }
        System.arraycopy(from, 0, to, 0, to.length);
    }

    private void checkMatches(List<Parameter> parameters) {
        if (parameters.size() != m.length) {
            throw new IllegalArgumentException("AdamW was made for " + m.length + " tensors, got " + parameters.size());
        }
        for (int p = 0; p < m.length; p++) {
            Parameter param = parameters.get(p);
            if (param.value().length != m[p].length || param.grad().length != m[p].length) {
                throw new IllegalArgumentException("tensor " + p + " (" + param.name() + ") has " + param.value().length
                        + " values and " + param.grad().length + " gradients, AdamW was made for " + m[p].length);
            }
        }
    }
}
