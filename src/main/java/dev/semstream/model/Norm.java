package dev.semstream.model;

/** Layer-norm parameters: scale (gamma) and shift (beta), one each per hidden unit. */
public record Norm(float[] gamma, float[] beta) {
    public Norm {
        if (gamma.length != beta.length) {
            throw new ModelException("layer norm gamma has " + gamma.length + " values but beta has " + beta.length);
        }
    }

    public int size() {
        return gamma.length;
    }
}
