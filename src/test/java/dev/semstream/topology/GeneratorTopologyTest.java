package dev.semstream.topology;

import dev.semstream.avro.Completion;
import dev.semstream.cli.DefaultGenerator;
import dev.semstream.avro.FinishReason;
import dev.semstream.avro.Prompt;
import dev.semstream.metrics.Metrics;
import dev.semstream.metrics.ScrapedSeries;
import dev.semstream.model.GenerationParams;
import dev.semstream.model.GenerationResult;
import dev.semstream.model.TextGenerator;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.TinyGptCheckpoint;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every path of the generator sidecar, on {@link TopologyTestDriver} with a tiny GPT-2 the test writes. */
class GeneratorTopologyTest {
    static TextGenerator generator;

    @TempDir
    static Path checkpoint;
    @TempDir
    Path stateDir;
    TopologyTestDriver driver;
    TestInputTopic<byte[], byte[]> prompts;
    TestOutputTopic<String, Completion> completions;
    TestOutputTopic<byte[], byte[]> deadLetters;
    final AvroBinarySerde<Prompt> promptSerde = new AvroBinarySerde<>(Prompt.class);
    final Metrics metrics = new Metrics();

    @BeforeAll
    static void writeTinyModel() {
        TinyGptCheckpoint.write(checkpoint, 7L);
        generator = HfGpt2Checkpoint.load(checkpoint).generator();
    }

    void start(ContextRetriever retriever) {
        start(retriever, generator);
    }

    void start(ContextRetriever retriever, TextGenerator generator) {
        GeneratorConfig config = GeneratorConfig.defaults();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "generator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(GeneratorTopology.build(config, generator, retriever, promptSerde.deserializer(),
                new AvroBinarySerde<>(Completion.class), metrics.generator()), props);
        prompts = driver.createInputTopic(config.promptsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        completions = driver.createOutputTopic(config.completionsTopic(), new StringDeserializer(),
                new AvroBinarySerde<>(Completion.class).deserializer());
        deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        metrics.close();
    }

    static Prompt.Builder prompt(String id, String text) {
        return Prompt.newBuilder().setPromptId(id).setText(text).setMaxTokens(8).setTemperature(0.8f).setTopK(0)
                .setTopP(1f).setSeed(42L).setStopSequences(List.of()).setRetrievalK(0);
    }

    void send(Prompt p) {
        prompts.pipeInput(p.getPromptId().getBytes(StandardCharsets.UTF_8), promptSerde.serializer().serialize("t", p));
    }

    @Test
    void aPromptBecomesTheCompletionTheGeneratorMakesForTheSameSeed() {
        start(null);
        send(prompt("p1", "the attention").build());
        TestRecord<String, Completion> out = completions.readRecord();
        assertEquals("p1", out.key());
        Completion c = out.value();
        GenerationResult expected = generator.generate("the attention",
                GenerationParams.defaults().withMaxTokens(8).withTemperature(0.8f).withTopK(0).withSeed(42L));
        assertEquals(expected.text(), c.getText());
        assertEquals(expected.promptTokens(), c.getPromptTokens());
        assertEquals(expected.completionTokens(), c.getCompletionTokens());
        assertEquals(FinishReason.valueOf(expected.finishReason().name()), c.getFinishReason());
        assertEquals(generator.modelId(), c.getModelId());
        assertNull(c.getError());
        assertTrue(c.getTimings().getGenerationMillis() >= 0);
        assertTrue(completions.isEmpty());
        ScrapedSeries scrape = new ScrapedSeries(metrics.scrape());
        assertEquals(expected.completionTokens(), scrape.value("semstream_generator_tokens_total").orElseThrow(),
                "the tokens counter, whose rate is tokens/s");
        assertEquals(1.0, scrape.value("semstream_generator_generation_seconds_count").orElseThrow());
    }

    /** The generator semstream ships, model/semstream-gpt, behind the topology as `run` serves it by default. */
    @Test
    void theShippedGeneratorContinuesAPromptInEnglish() {
        TextGenerator shipped = HfGpt2Checkpoint.load(DefaultGenerator.location()).generator();
        start(null, shipped);
        send(prompt("kjv", "And God said").setTemperature(0f).setMaxTokens(16).build());
        Completion c = completions.readRecord().value();
        assertNull(c.getError());
        assertEquals(shipped.generate("And God said", GenerationParams.defaults().withMaxTokens(16)
                .withTemperature(0f)).text(), c.getText());
        assertEquals(shipped.modelId(), c.getModelId());
        // Trained on the King James Bible and the State of the Union addresses: words, not byte soup.
        long words = java.util.Arrays.stream(c.getText().split("[^A-Za-z]+")).filter(w -> w.length() >= 2).count();
        assertTrue(words >= 4, "a completion of English words: \"" + c.getText() + "\"");
    }

    @Test
    void badPromptsGetAnErrorCompletionSayingWhyAndTheNextPromptIsServed() {
        start(null);
        send(prompt("empty", "   ").build());
        send(prompt("hot", "the").setTemperature(-1f).build());
        send(prompt("topp", "the").setTopP(0f).build());
        send(prompt("long", "the ".repeat(200)).build());
        send(prompt("rag", "the").setRetrievalK(3).build());
        send(prompt("stop", "the").setStopSequences(List.of("")).build());
        send(prompt("fine", "the").build());
        List<TestRecord<String, Completion>> out = completions.readRecordsToList();
        assertEquals(List.of("empty", "hot", "topp", "long", "rag", "stop", "fine"), out.stream().map(TestRecord::key).toList());
        for (int i = 0; i < 6; i++) {
            assertEquals(FinishReason.ERROR, out.get(i).value().getFinishReason(), out.get(i).key());
            assertEquals("", out.get(i).value().getText());
        }
        assertTrue(out.get(0).value().getError().contains("empty"));
        assertTrue(out.get(1).value().getError().contains("temperature"));
        assertTrue(out.get(2).value().getError().contains("topP"));
        assertTrue(out.get(3).value().getError().contains("context length"), out.get(3).value().getError());
        assertTrue(out.get(4).value().getError().contains("retrieval"));
        assertTrue(out.get(5).value().getError().contains("stop sequence"));
        assertTrue(out.get(6).value().getFinishReason() != FinishReason.ERROR);
    }

    @Test
    void recordsThatAreNotPromptsAreDeadLettersWithContext() {
        start(null);
        prompts.pipeInput("k".getBytes(StandardCharsets.UTF_8), new byte[]{1, 2, 3});
        send(prompt("", "no id").build());
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(List.of("UNDECODABLE", "MISSING_ID"), dead.stream()
                .map(r -> EmbedderTopologyTest.header(r.headers(), DeadLetters.ERROR)).toList());
        assertEquals("semstream.prompts", EmbedderTopologyTest.header(dead.get(0).headers(), DeadLetters.SOURCE_TOPIC));
        assertTrue(completions.isEmpty());
        ScrapedSeries scrape = new ScrapedSeries(metrics.scrape());
        for (String reason : List.of("UNDECODABLE", "MISSING_ID")) {
            assertEquals(1.0, scrape.value("semstream_dead_letters_total", "reason", reason).orElseThrow(), reason);
        }
    }

    @Test
    void retrievalPutsTheNearestStoredTextsBeforeThePromptAndListsTheirIds() {
        ContextRetriever retriever = (text, k) -> List.of(new ContextRetriever.Passage("doc-2", "the answer", 0.9),
                new ContextRetriever.Passage("doc-7", "an aside", 0.5)).subList(0, k);
        start(retriever);
        send(prompt("rag", "the question").setRetrievalK(2).build());
        Completion c = completions.readValue();
        assertEquals(List.of("doc-2", "doc-7"), c.getContextIds());
        GenerationResult expected = generator.generate("Context:\nthe answer\nan aside\n\nthe question",
                GenerationParams.defaults().withMaxTokens(8).withTemperature(0.8f).withTopK(0).withSeed(42L));
        assertEquals(expected.text(), c.getText());
        assertEquals(expected.promptTokens(), c.getPromptTokens(), "prompt tokens count the context too");
    }

    @Test
    void theRenderedTopologyInTopologyFolderIsCurrent() throws Exception {
        RenderedTopology.assertCurrent(GeneratorTopology.build(GeneratorConfig.defaults(), generator, null,
                promptSerde.deserializer(), new AvroBinarySerde<>(Completion.class)), "generator.txt", getClass());
    }
}
