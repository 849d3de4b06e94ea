package dev.semstream.cli;

import dev.semstream.model.TextVector;
import dev.semstream.model.Encoder;
import dev.semstream.store.Scores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code semstream similarity "a" "b"}: how alike two texts are, by cosine similarity and Euclidean
 * distance of their embeddings, computed in process (no running pipeline needed).
 */
@Command(name = "similarity", mixinStandardHelpOptions = true,
        description = {"Compare two texts: cosine similarity (1 = same direction) and Euclidean distance",
                "(0 = same point) of their embeddings, with the in-process encoder."})
final class SimilarityCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "A", description = "The first text.")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "The second text.")
    String b;

    @Mixin
    EncoderFlags encoderFlags;

    @Option(names = "--json", description = "Print {\"cosine\", \"euclidean\", \"dot\", \"model\"} as one JSON line.")
    boolean json;

    @Override
    public Integer call() {
        if (a.isBlank() || b.isBlank()) {
            throw new ParameterException(spec.commandLine(), "both texts must have something in them");
        }
        Encoder encoder = main.encoderLoader.apply(encoderFlags.model, encoderFlags.options(spec));
        List<TextVector> e = encoder.embed(List.of(a, b));
        float[] x = e.get(0).vector();
        float[] y = e.get(1).vector();
        double cosine = Scores.cosine(x, y);
        double euclidean = Scores.euclidean(x, y);
        double dot = Scores.dot(x, y);
        if (json) {
            main.stdout.printf(Locale.ROOT, "{\"cosine\":%.6f,\"euclidean\":%.6f,\"dot\":%.6f,\"model\":\"%s\"}%n",
                    cosine, euclidean, dot, encoder.modelId());
        } else {
            main.stdout.printf(Locale.ROOT, "cosine similarity  %.4f%nEuclidean distance %.4f%n", cosine, euclidean);
        }
        main.stdout.flush();
        return 0;
    }
}
