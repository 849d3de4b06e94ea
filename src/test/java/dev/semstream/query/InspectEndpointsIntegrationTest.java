package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.cli.DefaultGenerator;
import dev.semstream.model.AttentionMap;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.TextGenerator;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.sampling.NextTokenDistribution;
import dev.semstream.tokenize.Encoding;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's inspection routes on a real pipeline (embedded broker and registry, the default encoder, the
 * shipped generator), against the model-level API of the same engine objects: what the page shows is what the
 * engine computes.
 */
class InspectEndpointsIntegrationTest {
    private static final String TEXT = "The attention heads of a small model look back at the words before them.";
    @TempDir
    static Path dir;
    static Pipeline pipeline;
    static Encoder encoder;
    static TextGenerator generator;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        generator = HfGpt2Checkpoint.load(DefaultGenerator.location()).generator();
        pipeline = Pipeline.start(AppSettings.embedded(dir).withHttp("localhost", 0), encoder, generator, line -> { });
        pipeline.awaitRunning(Duration.ofMinutes(3));
        url = pipeline.endpoints().queryUrl();
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static JsonNode ok(String route, Object body) throws Exception {
        HttpJson.Response r = HttpJson.post(url + route, body);
        assertEquals(200, r.status(), String.valueOf(r.json()));
        return r.json();
    }

    @Test
    void tokensAreEachTokenizersOwn() throws Exception {
        JsonNode o = ok("/inspect/tokens", Map.of("text", TEXT));
        JsonNode e = o.get("encoder");
        assertEquals(encoder.modelId(), e.get("modelId").asText());
        assertEquals(encoder.options().maxTokens(), e.get("maxTokens").asInt());
        assertFalse(e.get("truncated").asBoolean());
        Encoding expected = encoder.tokenizer().encode(TEXT, encoder.options().maxTokens());
        assertEquals(expected.tokenCount(), e.get("tokens").size());
        for (int i = 0; i < expected.tokenCount(); i++) {
            JsonNode t = e.get("tokens").get(i);
            assertEquals(expected.ids()[i], t.get("id").asInt());
            assertEquals(encoder.tokenizer().tokenOf(expected.ids()[i]).orElseThrow(), t.get("piece").asText());
            assertEquals(i == 0 || i == expected.tokenCount() - 1, t.get("special").asBoolean(), "[CLS] ... [SEP]");
        }
        assertEquals("[CLS]", e.get("tokens").get(0).get("piece").asText());
        JsonNode g = o.get("generator");
        assertEquals(generator.modelId(), g.get("modelId").asText());
        int[] ids = generator.tokenizer().encode(TEXT);
        assertEquals(ids.length, g.get("tokens").size());
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            assertEquals(ids[i], g.get("tokens").get(i).get("id").asInt());
            joined.append(g.get("tokens").get(i).get("piece").asText());
        }
        assertEquals(TEXT, joined.toString(), "the generator's pieces spell the text");
    }

    @Test
    void encoderAttentionIsTheEnginesRowByRow() throws Exception {
        JsonNode o = ok("/inspect/attention", Map.of("text", TEXT));
        assertEquals("encoder", o.get("model").asText());
        assertEquals(encoder.modelId(), o.get("modelId").asText());
        assertEquals("none", o.get("mask").asText());
        AttentionMap expected = encoder.attention(TEXT, ModelInspection.DEFAULT_ATTENTION_TOKENS);
        assertSameAttention(expected, o);
        assertEquals(expected.ids().length, o.get("tokens").size());
        assertEquals("[CLS]", o.get("tokens").get(0).asText());
        assertFalse(o.get("truncated").asBoolean());

        JsonNode cut = ok("/inspect/attention", Map.of("text", TEXT, "maxTokens", 8));
        assertTrue(cut.get("truncated").asBoolean());
        assertEquals(8, cut.get("ids").size());
        assertSameAttention(encoder.attention(TEXT, 8), cut);
    }

    @Test
    void generatorAttentionIsCausalAndTheEngines() throws Exception {
        JsonNode o = ok("/inspect/attention", Map.of("text", TEXT, "model", "generator", "maxTokens", 128));
        assertEquals("generator", o.get("model").asText());
        assertEquals(generator.modelId(), o.get("modelId").asText());
        assertEquals("causal", o.get("mask").asText());
        assertEquals(generator.config().layers(), o.get("layers").asInt());
        assertEquals(generator.config().heads(), o.get("heads").asInt());
        assertSameAttention(generator.attention(TEXT, 128), o);
        JsonNode attention = o.get("attention");
        for (JsonNode layer : attention) {
            for (JsonNode head : layer) {
                for (int q = 0; q < head.size(); q++) {
                    for (int k = q + 1; k < head.get(q).size(); k++) {
                        assertEquals(0.0, head.get(q).get(k).asDouble(), "query " + q + " cannot see key " + k);
                    }
                }
            }
        }
        String longText = TEXT.repeat(20);
        JsonNode cut = ok("/inspect/attention", Map.of("text", longText, "model", "generator", "maxTokens", 128));
        assertTrue(cut.get("truncated").asBoolean());
        assertEquals(128, cut.get("ids").size());
    }

    @Test
    void nextTokenColumnsSumToOneAndFollowTheTemperature() throws Exception {
        String prompt = "And God said, Let there be";
        float[] logits = generator.nextTokenLogits(generator.promptIds(prompt));
        double previousTop = 2;
        for (double t : new double[]{0.5, 1, 2}) {
            JsonNode o = ok("/inspect/next-token", Map.of("prompt", prompt, "temperature", t, "top", 30));
            assertEquals(logits.length, o.get("vocabSize").asInt());
            assertEquals(30, o.get("candidates").size());
            assertEquals(logits.length - 30, o.get("others").get("count").asInt());
            for (String column : new String[]{"probability", "tempered", "sampling"}) {
                double sum = o.get("others").get(column).asDouble();
                for (JsonNode c : o.get("candidates")) {
                    sum += c.get(column).asDouble();
                }
                assertEquals(1, sum, 1e-9, column + " at T=" + t);
            }
            // The model-level distribution, whose own tests hold it to the definitions and the samplers.
            NextTokenDistribution expected = NextTokenDistribution.of(logits, (float) t, 0, 1f);
            double lastLogit = Double.POSITIVE_INFINITY;
            for (JsonNode c : o.get("candidates")) {
                int id = c.get("id").asInt();
                assertEquals(logits[id], (float) c.get("logit").asDouble());
                assertTrue(c.get("logit").asDouble() <= lastLogit, "candidates come most likely first");
                lastLogit = c.get("logit").asDouble();
                assertEquals(expected.tempered(id), c.get("tempered").asDouble());
                assertEquals(expected.probability(id), c.get("probability").asDouble());
                assertEquals(expected.sampling(id), c.get("sampling").asDouble());
                assertTrue(c.get("kept").asBoolean(), "no top-k or top-p: every token is kept");
                assertEquals(generator.tokenizer().decode(new int[]{id}), c.get("piece").asText());
            }
            double top = o.get("candidates").get(0).get("tempered").asDouble();
            assertTrue(top < previousTop, "a higher temperature flattens the distribution");
            previousTop = top;
        }
        JsonNode greedy = ok("/inspect/next-token", Map.of("prompt", prompt, "temperature", 0));
        assertEquals(1.0, greedy.get("candidates").get(0).get("tempered").asDouble());
        assertEquals(1.0, greedy.get("candidates").get(0).get("sampling").asDouble());
        assertEquals(1, greedy.get("kept").get("count").asInt());
        assertEquals(0.0, greedy.get("others").get("tempered").asDouble());
        assertEquals(ModelInspection.DEFAULT_TOP, greedy.get("candidates").size());

        JsonNode topK = ok("/inspect/next-token", Map.of("prompt", prompt, "topK", 5, "top", 8));
        assertEquals(5, topK.get("kept").get("count").asInt());
        for (int i = 0; i < 8; i++) {
            JsonNode c = topK.get("candidates").get(i);
            assertEquals(i < 5, c.get("kept").asBoolean(), "the five most likely are kept");
            assertEquals(i < 5, c.get("sampling").asDouble() > 0);
        }
        assertEquals(generator.promptIds(prompt).length, topK.get("promptTokens").size());
    }

    @Test
    void badRequestsAreJson400s() throws Exception {
        assertBad("/inspect/tokens", Map.of(), "'text' is required");
        assertBad("/inspect/tokens", "[1]", "expected a JSON object");
        assertBad("/inspect/attention", Map.of("text", "a", "maxTokens", 129), "'maxTokens' must be in [1, 128]");
        assertBad("/inspect/attention", Map.of("text", "a", "maxTokens", 1), "too small");
        assertBad("/inspect/attention", Map.of("text", "a", "model", "both"), "'model' must be");
        assertBad("/inspect/attention", Map.of("text", 5), "'text' must be a string");
        assertBad("/inspect/next-token", Map.of("prompt", "a", "top", 0), "'top' must be in [1, ");
        assertBad("/inspect/next-token", Map.of("prompt", "a", "top", 5000), "'top' must be in [1, 4096]");
        assertBad("/inspect/next-token", Map.of("prompt", "a", "temperature", -1), "temperature");
        assertBad("/inspect/next-token", Map.of("prompt", "a", "topP", 0), "topP");
        assertBad("/inspect/next-token", Map.of("prompt", "a", "topK", -2), "topK");
        assertBad("/inspect/next-token", Map.of("prompt", "a", "temperature", "hot"), "'temperature' must be a number");
        assertBad("/inspect/next-token", Map.of("prompt", "word ".repeat(400)), "context");
        assertEquals(405, HttpJson.get(url + "/inspect/tokens").status());
    }

    private static void assertBad(String route, Object body, String messagePart) throws Exception {
        HttpJson.Response r = HttpJson.post(url + route, body);
        assertEquals(400, r.status(), String.valueOf(r.json()));
        assertTrue(r.json().get("message").asText().contains(messagePart), r.json().toString());
    }

    /** The JSON's weights are the model API's floats, and every row sums to 1. */
    private static void assertSameAttention(AttentionMap expected, JsonNode o) {
        assertEquals(expected.layers(), o.get("layers").asInt());
        assertEquals(expected.heads(), o.get("heads").asInt());
        assertEquals(expected.truncated(), o.get("truncated").asBoolean());
        for (int i = 0; i < expected.ids().length; i++) {
            assertEquals(expected.ids()[i], o.get("ids").get(i).asInt());
        }
        JsonNode attention = o.get("attention");
        assertEquals(expected.layers(), attention.size());
        for (int l = 0; l < expected.layers(); l++) {
            for (int h = 0; h < expected.heads(); h++) {
                float[][] rows = expected.weights()[l][h];
                JsonNode head = attention.get(l).get(h);
                assertEquals(rows.length, head.size());
                for (int q = 0; q < rows.length; q++) {
                    double sum = 0;
                    for (int k = 0; k < rows[q].length; k++) {
                        float w = (float) head.get(q).get(k).asDouble();
                        assertEquals(rows[q][k], w, "layer " + l + " head " + h + " row " + q + " key " + k);
                        sum += w;
                    }
                    assertEquals(1, sum, 1e-5, "layer " + l + " head " + h + " row " + q);
                }
            }
        }
    }
}
