package dev.semstream.train;

import java.util.EnumMap;
import java.util.Map;

/**
 * Where a training step's time goes, summed over the steps since the last {@link #reset}: wall time per kind of
 * op, read around each op with {@link System#nanoTime} (a few hundred reads a step, against a step of ~1 s).
 */
public final class StepProfile {
    /** The kinds of op a step is made of. */
    public enum Op {
        /** Re-laying out the weights for the GEMMs, both orientations, once a step. */
        PACK,
        /** Token and position embeddings, and their gradient. */
        EMBEDDING,
        /** Layer norms, forward and backward. */
        NORM,
        /** The dense layers' forward GEMMs. */
        GEMM_FORWARD,
        /** The dense layers' input- and weight-gradient GEMMs and bias sums. */
        GEMM_BACKWARD,
        /** Causal attention, forward. */
        ATTENTION_FORWARD,
        /** Causal attention, backward. */
        ATTENTION_BACKWARD,
        /** The MLP activation, forward and backward. */
        GELU,
        /** The tied output head and the cross-entropy, forward and backward. */
        HEAD_AND_LOSS
    }

    private final long[] nanos = new long[Op.values().length];

    void add(Op op, long startNanos) {
        nanos[op.ordinal()] += System.nanoTime() - startNanos;
    }

    public void reset() {
        java.util.Arrays.fill(nanos, 0);
    }

    /** Seconds per op since the last reset, in step order. */
    public Map<Op, Double> seconds() {
        Map<Op, Double> out = new EnumMap<>(Op.class);
        for (Op op : Op.values()) {
            out.put(op, nanos[op.ordinal()] / 1e9);
        }
        return out;
    }
}
