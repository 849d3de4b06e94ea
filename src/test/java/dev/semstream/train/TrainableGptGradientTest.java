package dev.semstream.train;

import dev.semstream.model.GptConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A whole tiny model's gradient (vocab 37, context 8, 2 layers, 2 heads, width 16), every parameter, against
 * central finite differences of the double-precision reference model.
 */
class TrainableGptGradientTest {
    /**
     * Of the tensor's largest gradient. Float32 throughout the forward and backward passes came out at 2e-7 to
     * 2.5e-6 (the layer norms' gamma the worst); a wrong sign, a missed term or a transposed operand is >= 1e-2.
     */
    private static final double TOLERANCE = 1e-4;

    @Test
    void everyParametersGradientMatchesFiniteDifferences() {
        GptConfig config = new GptConfig(37, 8, 16, 2, 2, 1e-5f);
        TrainableGpt model = TrainableGpt.initialised(config, 7);
        // Larger weights than GPT-2's 0.02 (and non-trivial norms and biases), so every path carries signal.
        SplittableRandom rnd = new SplittableRandom(11);
        for (Parameter p : model.parameters()) {
            for (int i = 0; i < p.value().length; i++) {
                p.value()[i] = p.name().endsWith("ln_1.weight") || p.name().endsWith("ln_2.weight")
                        || p.name().equals("ln_f.weight")
                        ? (float) (1 + 0.3 * rnd.nextGaussian()) : (float) (0.3 * rnd.nextGaussian());
            }
        }
        int batch = 2;
        int t = 8;
        int[] inputs = new int[batch * t];
        int[] targets = new int[batch * t];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = rnd.nextInt(37);
            targets[i] = rnd.nextInt(37);
        }
        List<Parameter> params = model.parameters();
        double[][] values = new double[params.size()][];
        for (int i = 0; i < values.length; i++) {
            values[i] = ReferenceGpt.toDouble(params.get(i).value());
        }
        model.zeroGradients();
        float gradScale = 0.5f;
        float loss = model.forwardBackward(inputs, targets, batch, t, gradScale);
        assertEquals(ReferenceGpt.loss(config, values, inputs, targets, batch, t), loss, 1e-4, "loss");
        for (int i = 0; i < values.length; i++) {
            double[] numeric = GradientCheck.numeric(values[i],
                    v -> gradScale * ReferenceGpt.loss(config, values, inputs, targets, batch, t));
            GradientCheck.assertClose(numeric, params.get(i).grad(), TOLERANCE, params.get(i).name());
        }
    }
}
