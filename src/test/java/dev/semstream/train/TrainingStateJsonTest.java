package dev.semstream.train;

import dev.semstream.model.GptConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingStateJsonTest {
    /** Floats whose nearest double prints differently, and extremes: a detour through double would change some. */
    private static final float[] AWKWARD = {0.1f, 1e-8f, 3e-4f, 2.3456789f, Float.MIN_VALUE, Float.MAX_VALUE,
            1.0000001f, 5.6010475f, 0.0023322173f};

    private static TrainingState state() {
        TrainingOptions options = TrainingOptions.defaults().withLearningRates(6e-4f, 6e-5f).withAdam(0.9f, 0.95f, 1e-8f)
                .withSeed(-7_000_000_000_123L).withValidationFraction(0.1).withCheckpointEvery(Duration.ofSeconds(90));
        List<StepLoss> steps = new java.util.ArrayList<>();
        for (int i = 0; i < AWKWARD.length; i++) {
            steps.add(new StepLoss(i + 1, AWKWARD[i], AWKWARD[AWKWARD.length - 1 - i], AWKWARD[(i + 3) % AWKWARD.length]));
        }
        List<EvaluationReport> evaluations = List.of(new EvaluationReport(0, 5.6f, 5.61f),
                new EvaluationReport(9, 0.1f, Float.NaN));
        return new TrainingState(9, options, new GptConfig(8192, 256, 256, 4, 4, 1e-5f), 123_456, "ab".repeat(32),
                steps, evaluations, Duration.ofMillis(12_345_678));
    }

    @Test
    void everyFieldAndFloatComesBackExactly(@TempDir Path dir) {
        Path file = dir.resolve("state.json");
        TrainingState written = state();
        TrainingStateJson.write(file, written);
        TrainingState read = TrainingStateJson.read(file);
        assertEquals(written, read);
        for (int i = 0; i < AWKWARD.length; i++) {
            assertEquals(Float.floatToIntBits(AWKWARD[i]), Float.floatToIntBits(read.steps().get(i).trainLoss()));
        }
        assertTrue(Float.isNaN(read.evaluations().get(1).validationLoss()), "no held-out split: null, read as NaN");
    }

    @Test
    void aDamagedFileIsRefusedNamingTheFileAndField(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.json");
        TrainingStateJson.write(file, state());
        String json = Files.readString(file);
        Files.writeString(file, json.replace("\"batch\" : 16", "\"batch\" : \"sixteen\""), StandardCharsets.UTF_8);
        TrainingException e = assertThrows(TrainingException.class, () -> TrainingStateJson.read(file));
        assertEquals(file + ": 'batch' must be a number", e.getMessage());
        Files.writeString(file, json.replace("\"batch\" : 16", "\"batch\" : 0"), StandardCharsets.UTF_8);
        e = assertThrows(TrainingException.class, () -> TrainingStateJson.read(file));
        assertEquals(file + ": bad training options: batch must be at least 1, got 0", e.getMessage());
        Files.writeString(file, "{\"format\": \"something else\"}");
        e = assertThrows(TrainingException.class, () -> TrainingStateJson.read(file));
        assertEquals(file + " is not a version 1 semstream-training-checkpoint state file", e.getMessage());
    }
}
