package dev.semstream.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.GenerationParams;
import dev.semstream.model.TextGenerator;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.TinyGptCheckpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generator sidecar as a user runs it: prompts through a real broker and registry with the CLI's
 * {@code prompt}, completions read back committed; retrieval through the similarity API over texts the
 * embedder stored. Subclasses say which broker and registry: the embedded default, or containers.
 */
abstract class GeneratorContract {
    @TempDir
    static Path dataDir;
    @TempDir
    static Path checkpoint;
    static TextGenerator generator;
    static Pipeline app;

    /** Starts the embedder with the generator sidecar (a tiny GPT-2 the test writes) and the HTTP API. */
    static void startWithGenerator(AppSettings settings) throws Exception {
        TinyGptCheckpoint.write(checkpoint, 11L);
        startWithGenerator(settings, checkpoint);
    }

    /** Starts the embedder with the generator sidecar serving the checkpoint in {@code generatorDir}. */
    static void startWithGenerator(AppSettings settings, Path generatorDir) throws Exception {
        generator = HfGpt2Checkpoint.load(generatorDir).generator();
        Encoder encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        app = Pipeline.start(settings.withHttp("localhost", 0)
                .withExtraProperties(Map.of("commit.interval.ms", 100)), encoder, generator, line -> { });
        app.awaitRunning(Duration.ofMinutes(3));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
            app = null;
        }
    }

    static Cli.Run cli(String... args) {
        // The data dir's endpoints file says where the cluster is, as it does for a user of `run`.
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--data-dir";
        all[args.length + 1] = dataDir.toString();
        return Cli.run(all);
    }

    @Test
    void aPromptThroughTheBrokerComesBackAsTheCompletionTheDecoderMakes() {
        Cli.Run run = cli("prompt", "the attention", "--temperature", "0.7", "--max-tokens", "12", "--seed", "5");
        assertEquals(0, run.exit(), run.err());
        String expected = generator.generate("the attention",
                GenerationParams.defaults().withTemperature(0.7f).withTopK(0).withMaxTokens(12).withSeed(5L)).text();
        assertEquals(expected + "\n", run.out());
        assertTrue(run.err().contains("prompt +") && run.err().contains(generator.modelId()), run.err());
        Cli.Run again = cli("prompt", "the attention", "--temperature", "0.7", "--max-tokens", "12", "--seed", "5");
        assertEquals(run.out(), again.out(), "the same seed gives the same completion");
    }

    @Test
    void aPromptTheDecoderCannotServeIsAnErrorCompletionNotASilence() {
        Cli.Run run = cli("prompt", "the", "--top-p", "1.5");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("topP must be in (0, 1]"), run.err());
    }

    @Test
    void retrievalGivesTheDecoderTheNearestStoredTextsAndNamesThem() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String body = "{\"texts\": [{\"id\": \"ctx-1\", \"text\": \"the attention heads\"},"
                + " {\"id\": \"ctx-2\", \"text\": \"a hot sampler\"}]}";
        HttpResponse<String> ingest = http.send(HttpRequest.newBuilder(URI.create(app.endpoints().queryUrl() + "/texts"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, ingest.statusCode(), ingest.body());
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (new ObjectMapper().readTree(http.send(HttpRequest.newBuilder(URI.create(app.endpoints().queryUrl()
                + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body()).get("vectors").asInt() < 2) {
            assertTrue(System.nanoTime() < deadline, "the two texts were not embedded in 2 minutes");
            Thread.sleep(50); // polling a condition with a deadline
        }
        Cli.Run run = cli("prompt", "attention", "--retrieval-k", "1", "--seed", "1", "--max-tokens", "4", "--json");
        assertEquals(0, run.exit(), run.err());
        var completion = new ObjectMapper().readTree(run.out());
        assertEquals("[\"ctx-1\"]", completion.get("contextIds").toString(), run.out());
        int alone = generator.tokenizer().encode("attention").length;
        assertTrue(completion.get("promptTokens").asInt() > alone, "the context is part of the prompt the decoder read");
    }
}
