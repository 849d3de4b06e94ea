package dev.semstream.app;

import dev.semstream.model.Encoder;

import java.time.Duration;
import java.util.Map;

/** How tests start a pipeline in process, for the tests of this package and of others (the reliability suite). */
public final class RunningPipeline {
    /** How long a start may take: the first start of the embedded registry unpacks its distribution. */
    public static final Duration STARTUP = Duration.ofMinutes(3);

    private RunningPipeline() {
    }

    /** A pipeline with {@code settings} (commit interval shortened for a test), once it is running. */
    public static Pipeline start(AppSettings settings, Encoder encoder) throws InterruptedException {
        Pipeline started = Pipeline.start(settings.withExtraProperties(Map.of("commit.interval.ms", 100)), encoder,
                line -> { });
        try {
            started.awaitRunning(STARTUP);
        } catch (RuntimeException | InterruptedException e) {
            started.close();
            throw e;
        }
        return started;
    }
}
