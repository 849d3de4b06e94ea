package dev.semstream.train;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientClippingTest {
    private static Parameter param(String name, float... grad) {
        return new Parameter(name, new float[grad.length], grad, false);
    }

    @Test
    void theNormIsTakenOverAllTensorsTogetherAndClippedToTheLimit() {
        // 3-4-12-84: sqrt(9 + 16 + 144 + 7056) = 85, split over two tensors
        List<Parameter> ps = List.of(param("a", 3, 4), param("b", 12, 0, 84));
        assertEquals(85f, GradientClipping.clip(ps, 17f), "returns the norm before clipping");
        assertEquals(17.0, GradientClipping.norm(ps), 1e-5);
        assertArrayEquals(new float[]{0.6f, 0.8f}, ps.get(0).grad(), 1e-6f);
        assertArrayEquals(new float[]{2.4f, 0f, 16.8f}, ps.get(1).grad(), 1e-5f);
    }

    @Test
    void belowTheLimitOrWithClippingOffNothingChanges() {
        List<Parameter> ps = List.of(param("a", 3, 4));
        assertEquals(5f, GradientClipping.clip(ps, 5.5f));
        assertArrayEquals(new float[]{3, 4}, ps.get(0).grad());
        assertEquals(5f, GradientClipping.clip(ps, 0f));
        assertArrayEquals(new float[]{3, 4}, ps.get(0).grad());
    }

    @Test
    void theNormIsSummedInDoubleSoManySmallGradientsDoNotLosePrecision() {
        float[] g = new float[1 << 20];
        java.util.Arrays.fill(g, 1e-3f);
        double exact = Math.sqrt(g.length * (double) 1e-3f * 1e-3f);
        assertEquals(exact, GradientClipping.norm(List.of(param("a", g))), exact * 1e-9, "a float sum would be off by about 1e-4");
    }

    @Test
    void aNonFiniteNormIsReportedAndNothingIsScaled() {
        List<Parameter> ps = List.of(param("a", Float.NaN, 1));
        assertTrue(Float.isNaN(GradientClipping.clip(ps, 1f)));
        assertEquals(1f, ps.get(0).grad()[1]);
    }
}
