package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.avro.Completion;
import dev.semstream.cli.DefaultGenerator;
import dev.semstream.model.AttentionMap;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.TextGenerator;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.sampling.SamplerTest;
import dev.semstream.reference.TextCorpus;
import dev.semstream.registry.AvroDeserializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console's views in a real browser against one embedded instance that runs the shipped generator, each
 * checked against what the pipeline itself holds: the feed against a text the test posts, the map against
 * the stored count and POST /search, the generator view against the completions topic, the attention map
 * and the next-token bars against the engine objects the pipeline runs. Writes a screenshot of each view to
 * {@code target/console/} (1280 px wide, and the map at a phone's 390 px).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Duration INDEX_DEADLINE = Duration.ofMinutes(3);
    static final Duration PAGE_DEADLINE = Duration.ofSeconds(60);
    /** A completion of 16 tokens from the shipped 3.5M-parameter model, with the machine shared. */
    static final Duration COMPLETION_DEADLINE = Duration.ofMinutes(2);
    static final int TEXTS = 40;
    static final Path SCREENSHOTS = Path.of("target", "console");
    static final String MODEL_TEXT = "The cat sat on the mat because it was tired.";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path browserProfile;
    static Encoder encoder;
    static TextGenerator generator;
    static Pipeline app;
    static String url;
    static WebDriver driver;

    @BeforeAll
    static void startAnInstanceWithTheShippedGeneratorAndABrowser() throws Exception {
        if (!HeadlessChromium.installed()) {
            return;
        }
        encoder = EncoderModels.encoder(null, EncoderOptions.defaults());
        generator = HfGpt2Checkpoint.load(DefaultGenerator.location()).generator();
        app = Pipeline.start(AppSettings.embedded(dataDir).withHttp("localhost", 0)
                .withExtraProperties(Map.of("commit.interval.ms", 100)), encoder, generator, line -> { });
        url = app.endpoints().queryUrl();
        List<String> corpus = TextCorpus.texts(7L, TEXTS, 12);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            events.add(Map.of("id", String.format("c-%02d", i), "text", corpus.get(i),
                    "metadata", Map.of("group", "g" + (i % 4))));
        }
        assertEquals(202, HttpJson.post(url + "/texts", Map.of("texts", events)).status());
        awaitVectors(TEXTS);
        driver = HeadlessChromium.start(browserProfile, PAGE_DEADLINE);
        Files.createDirectories(SCREENSHOTS);
    }

    @BeforeEach
    void requireTheBrowser() {
        assumeTrue(HeadlessChromium.installed(), "the browser test needs Debian's Chromium and its driver at "
                + HeadlessChromium.CHROMIUM + " and " + HeadlessChromium.CHROMEDRIVER + ": apt-get install chromium chromium-driver");
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    @Order(1)
    void theTabsFollowTheKeyboardAsAnAriaTablist() {
        open("search");
        WebElement first = driver.findElement(By.id("tab-search"));
        first.sendKeys(Keys.ARROW_RIGHT);
        assertSelected("feed");
        driver.switchTo().activeElement().sendKeys(Keys.END);
        assertSelected("status");
        driver.switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        assertSelected("search"); // wraps
        driver.switchTo().activeElement().sendKeys(Keys.ARROW_LEFT);
        assertSelected("status");
        driver.switchTo().activeElement().sendKeys(Keys.HOME);
        assertSelected("search");
    }

    @Test
    @Order(2)
    void theFeedShowsATextPostedNowAndHoldsNewRowsWhilePaused() throws Exception {
        open("feed");
        waitFor(PAGE_DEADLINE, () -> text("feed-status").startsWith("connected"));
        post("feed-probe", "Server-sent events carry each new embedding to the browser.");
        WebElement row = waitFor(INDEX_DEADLINE, () -> driver.findElements(
                By.cssSelector("#feed-table tr[data-kind=embedding][data-id=feed-probe]")).stream().findFirst().orElse(null));
        assertTrue(row.getText().contains("tokens"), row.getText());

        driver.findElement(By.id("feed-pause")).click();
        post("feed-held", "A paused feed holds what arrives and shows it on resume.");
        waitFor(INDEX_DEADLINE, () -> text("feed-counters").contains("1 held while paused"));
        assertTrue(rows("feed-held").isEmpty(), "no row while paused");
        driver.findElement(By.id("feed-pause")).click();
        assertEquals(1, rows("feed-held").size(), "the held event is shown on resume");

        new Select(driver.findElement(By.id("feed-kind"))).selectByValue("completion");
        assertFalse(rows("feed-held").get(0).isDisplayed(), "the kind filter hides embeddings");
        new Select(driver.findElement(By.id("feed-kind"))).selectByValue("");
        driver.findElement(By.id("feed-text")).sendKeys("paused feed");
        assertTrue(rows("feed-held").get(0).isDisplayed());
        assertFalse(rows("feed-probe").get(0).isDisplayed(), "the text filter hides rows without it");
        // As a user empties the field (clear() fires no input event).
        driver.findElement(By.id("feed-text")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        assertTrue(rows("feed-probe").get(0).isDisplayed(), "an empty filter shows every row again");
        awaitVectors(TEXTS + 2);
        screenshot("feed", 1000);
    }

    @Test
    @Order(3)
    void theMapDrawsEveryStoredVectorAndASearchHighlightsExactlyItsHitsAndTheQuery() throws Exception {
        int stored = HttpJson.get(url + "/health").json().get("vectors").asInt();
        open("map");
        waitFor(PAGE_DEADLINE, () -> driver.findElement(By.id("map-chart")).getDomAttribute("data-points") != null
                || text("map-status").contains("error"));
        int drawn = 0;
        for (JsonNode s : series("map-chart")) {
            if (s.get("id").asText().startsWith("points:")) {
                drawn += s.get("data").size();
            }
        }
        assertEquals(stored, drawn, "one point per stored vector, read from the chart: " + text("map-status"));

        String query = "a question about the tokens of a sentence";
        driver.findElement(By.id("map-q")).sendKeys(query);
        driver.findElement(By.id("map-search")).click();
        waitFor(PAGE_DEADLINE, () -> text("map-status").contains("highlighted"));
        JsonNode api = HttpJson.search(url, Map.of("text", query, "k", 10, "metric", "cosine"));
        List<String> highlighted = new ArrayList<>();
        seriesById("map-chart", "hits").get("data").forEach(d -> highlighted.add(d.get("name").asText()));
        assertEquals(HttpJson.hitIds(api), highlighted, "exactly the API's hits, in its order");
        JsonNode projected = HttpJson.post(url + "/map/project", Map.of("text", query)).json();
        JsonNode q = seriesById("map-chart", "query").get("data");
        assertEquals(1, q.size());
        assertEquals(projected.get("x").asDouble(), q.get(0).get("value").get(0).asDouble(), 1e-9);
        assertEquals(projected.get("y").asDouble(), q.get(0).get("value").get(1).asDouble(), 1e-9);
        assertTrue(text("map-axes").contains("principal component analysis"), text("map-axes"));

        // A text embedded now arrives through the feed, placed with the map's basis.
        post("map-live", "A new point appears on the map without a refresh.");
        waitFor(INDEX_DEADLINE, () -> seriesById("map-chart", "live").get("data").size() == 1);

        // Coloured by a metadata key the page has seen: one series per value, the same points in all.
        waitFor(PAGE_DEADLINE, () -> !driver.findElements(By.cssSelector("#map-color option[value=group]")).isEmpty());
        new Select(driver.findElement(By.id("map-color"))).selectByValue("group");
        waitFor(PAGE_DEADLINE, () -> hasSeries("map-chart", "points:g3"));
        int coloured = 0;
        for (JsonNode s : series("map-chart")) {
            String id = s.get("id").asText();
            if (id.startsWith("points:")) {
                coloured += s.get("data").size();
                assertTrue(id.matches("points:(g[0-3])?"), id); // a text without the key gets the empty value
            }
        }
        assertEquals(stored + 1, coloured);
        List<String> still = new ArrayList<>();
        seriesById("map-chart", "hits").get("data").forEach(d -> still.add(d.get("name").asText()));
        assertEquals(HttpJson.hitIds(api), still, "the highlight survives the redraw");
        screenshot("map", 1400);
        phoneScreenshot("map-phone", "map-chart");
    }

    @Test
    @Order(4)
    void aPromptFromTheGeneratorViewGetsTheCompletionTheCompletionsTopicCarries() throws Exception {
        try (KafkaConsumer<String, Completion> completions = completionConsumer()) {
            open("generator");
            WebElement prompt = driver.findElement(By.id("gen-prompt"));
            prompt.clear();
            prompt.sendKeys("And God said");
            set("gen-temperature", "0");
            set("gen-max", "16");
            set("gen-retrieval", "2");
            set("gen-seed", "7");
            driver.findElement(By.id("gen-send")).click();
            WebElement text = waitFor(COMPLETION_DEADLINE, () -> {
                if (driver.findElement(By.id("gen-status")).getDomAttribute("class").contains("error")) {
                    throw new AssertionError(text("gen-status"));
                }
                WebElement t = driver.findElement(By.id("gen-text"));
                return t.getDomAttribute("data-prompt-id") == null ? null : t;
            });
            String promptId = text.getDomAttribute("data-prompt-id");
            Completion completion = awaitCompletion(completions, promptId);
            assertEquals(completion.getText(), text.getDomProperty("textContent"), "the text, byte for byte");
            assertTrue(text("gen-facts").toLowerCase(Locale.ROOT).contains(
                    completion.getFinishReason().name().toLowerCase(Locale.ROOT)), text("gen-facts"));
            assertEquals(2, completion.getContextIds().size(), "retrieval k = 2");
            waitFor(PAGE_DEADLINE, () -> driver.findElements(By.cssSelector("#gen-passages li")).stream()
                    .allMatch(li -> li.getText().contains(": ")));
            List<String> shown = driver.findElements(By.cssSelector("#gen-passages li")).stream()
                    .map(li -> li.getDomAttribute("data-id")).toList();
            assertEquals(completion.getContextIds().stream().map(CharSequence::toString).toList(), shown);
            screenshot("generator", 1400);

            driver.findElement(By.id("gen-on-map")).click();
            waitFor(PAGE_DEADLINE, () -> shown.equals(List.of(Optional.ofNullable(
                    driver.findElement(By.id("map-chart")).getDomAttribute("data-hits")).orElse("").split(","))));
        }
    }

    @Test
    @Order(5)
    void theAttentionMapShowsTheEnginesWeightsAndTheGeneratorsCausalMask() throws Exception {
        open("model");
        awaitAttention("encoder");
        assertAttention(encoder.attention(MODEL_TEXT, 64), 0, 0);
        new Select(driver.findElement(By.id("att-layer"))).selectByValue("3");
        new Select(driver.findElement(By.id("att-head"))).selectByValue("5");
        assertAttention(encoder.attention(MODEL_TEXT, 64), 3, 5);
        List<WebElement> chips = driver.findElements(By.cssSelector("#model-tokens .tokens:first-of-type .token"));
        assertEquals(encoder.tokenizer().encode(MODEL_TEXT, 512).tokenCount(), chips.size(), "one chip per encoder token");
        screenshot("model", "tab-model", "att-chart");

        new Select(driver.findElement(By.id("att-model"))).selectByValue("generator");
        awaitAttention("generator");
        AttentionMap causal = generator.attention(MODEL_TEXT, 64);
        assertTrue(causal.causal());
        assertAttention(causal, 3, 5);
    }

    @Test
    @Order(6)
    void theNextTokenBarsAreSoftmaxOfTheLogitsOverTheTemperatureAndFlattenAsItRises() throws Exception {
        open("model");
        float[] logits = generator.nextTokenLogits(generator.promptIds(MODEL_TEXT));
        double peakAtOne = assertNextToken(logits, "1");
        WebElement slider = driver.findElement(By.id("next-t"));
        for (int i = 0; i < 10; i++) {
            slider.sendKeys(Keys.ARROW_LEFT); // a step is 0.05: 1 -> 0.5
        }
        double peakAtHalf = assertNextToken(logits, "0.5");
        for (int i = 0; i < 20; i++) {
            slider.sendKeys(Keys.ARROW_RIGHT);
        }
        double peakAtOneAndHalf = assertNextToken(logits, "1.5");
        assertTrue(peakAtHalf > peakAtOne && peakAtOne > peakAtOneAndHalf,
                "a higher temperature flattens: peaks " + peakAtHalf + ", " + peakAtOne + ", " + peakAtOneAndHalf);
        set("next-topk", "5");
        driver.findElement(By.id("next-topk")).sendKeys(Keys.TAB); // change fires on leaving the field
        waitFor(PAGE_DEADLINE, () -> String.valueOf(driver.findElement(By.id("next-chart")).getDomAttribute("data-kept"))
                .startsWith("[true,true,true,true,true,false"));
        screenshot("next-token", "next-heading", "next-chart");
    }

    @Test
    @Order(7)
    void theStatusViewShowsTheInstanceAndItsVectorsAndTheSearchViewStillSearches() throws Exception {
        open("status");
        int stored = HttpJson.get(url + "/health").json().get("vectors").asInt();
        waitFor(PAGE_DEADLINE, () -> text("status-totals").startsWith(stored + " vectors"));
        assertTrue(text("status-instances").contains("(this page's)"), text("status-instances"));
        assertFalse(series("status-latency").isEmpty());
        screenshot("status", 1400);
        open("search");
        driver.findElement(By.id("q")).sendKeys("How does attention weigh the tokens of a sentence?");
        driver.findElement(By.id("search")).click();
        waitFor(PAGE_DEADLINE, () -> text("search-status").matches("\\d+ hits in .*"));
        screenshot("search", 900);
    }

    // ---- the attention view ----

    static void awaitAttention(String model) {
        waitFor(PAGE_DEADLINE, () -> {
            String status = text("att-status");
            if (driver.findElement(By.id("att-status")).getDomAttribute("class").contains("error")) {
                throw new AssertionError(status);
            }
            return status.contains("layers") && (model.equals("generator") == status.contains("causal"));
        });
    }

    /** Every cell the page drew for a layer and head equals the engine's weight; masked cells are the upper triangle. */
    static void assertAttention(AttentionMap engine, int layer, int head) throws Exception {
        waitFor(PAGE_DEADLINE, () -> (layer + "/" + head).equals(driver.findElement(By.id("att-chart"))
                .getDomAttribute("data-layer") + "/" + driver.findElement(By.id("att-chart")).getDomAttribute("data-head")));
        float[][] expected = engine.weights()[layer][head];
        int n = expected.length;
        assertEquals(engine.ids().length, n);
        int cells = 0;
        for (String id : List.of("attention", "masked")) {
            for (JsonNode cell : seriesById("att-chart", id).get("data")) {
                int key = cell.get(0).asInt();
                int query = cell.get(1).asInt();
                assertEquals(id.equals("masked"), engine.causal() && key > query, "masked: " + query + "," + key);
                assertEquals(expected[query][key], (float) cell.get(2).asDouble(), 0f,
                        "layer " + layer + " head " + head + " query " + query + " key " + key);
                cells++;
            }
        }
        assertEquals(n * n, cells, "every cell drawn once");
    }

    // ---- the next-token view ----

    /** Checks the bars at temperature t against softmax(logit / t) over the vocabulary; the top bar's height. */
    static double assertNextToken(float[] logits, String t) throws Exception {
        WebElement chart = driver.findElement(By.id("next-chart"));
        waitFor(PAGE_DEADLINE, () -> t.equals(chart.getDomAttribute("data-temperature")));
        double temperature = Double.parseDouble(t);
        JsonNode ids = HttpJson.MAPPER.readTree(chart.getDomAttribute("data-ids"));
        JsonNode shownLogits = HttpJson.MAPPER.readTree(chart.getDomAttribute("data-logits"));
        double[] softmax = SamplerTest.softmax(logits, temperature);
        for (String column : List.of("probability", "tempered", "sampling")) {
            double sum = 0;
            for (JsonNode bar : seriesById("next-chart", column).get("data")) {
                sum += bar.get("value").asDouble();
            }
            assertEquals(1.0, sum, 1e-4, column + " sums to 1 with the others' bar, at T = " + t);
        }
        JsonNode tempered = seriesById("next-chart", "tempered").get("data");
        JsonNode atOne = seriesById("next-chart", "probability").get("data");
        double[] softmaxAtOne = SamplerTest.softmax(logits, 1);
        for (int i = 0; i < ids.size(); i++) {
            int id = ids.get(i).asInt();
            assertEquals(logits[id], (float) shownLogits.get(i).asDouble(), 0f, "the logit shown for token " + id);
            assertEquals(softmax[id], tempered.get(i).get("value").asDouble(), 1e-5, "softmax(logit/T) of token " + id);
            assertEquals(softmaxAtOne[id], atOne.get(i).get("value").asDouble(), 1e-5, "softmax(logit) of token " + id);
            // From the shown logits alone: the ratio of two bars is e^((l_i - l_0) / T).
            assertEquals(Math.exp((shownLogits.get(i).asDouble() - shownLogits.get(0).asDouble()) / temperature),
                    tempered.get(i).get("value").asDouble() / tempered.get(0).get("value").asDouble(), 1e-3);
        }
        return tempered.get(0).get("value").asDouble();
    }

    // ---- the completions topic ----

    /** Read committed, every partition, from the end: assigned before the prompt is sent, so its completion cannot slip past. */
    static KafkaConsumer<String, Completion> completionConsumer() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", app.endpoints().bootstrapServers());
        config.put("schema.registry.url", app.endpoints().schemaRegistryUrl());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put("specific.avro.value.type", Completion.class);
        AvroDeserializer<Completion> values = new AvroDeserializer<>();
        values.configure(config, false);
        KafkaConsumer<String, Completion> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
        String topic = app.topics().name("completions");
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    static Completion awaitCompletion(KafkaConsumer<String, Completion> consumer, String promptId) {
        Instant deadline = Instant.now().plus(COMPLETION_DEADLINE);
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, Completion> r : consumer.poll(Duration.ofMillis(200))) {
                if (promptId.equals(r.value().getPromptId().toString())) {
                    assertEquals(promptId, r.key());
                    return r.value();
                }
            }
        }
        throw new AssertionError("no completion for " + promptId + " on the completions topic within " + COMPLETION_DEADLINE);
    }

    // ---- the page ----

    /** A fresh page on the view (a new address, not a change of #view, so the page loads anew). */
    static void open(String view) {
        driver.get("about:blank");
        driver.get(url + "/#" + view);
        waitFor(PAGE_DEADLINE, () -> "true".equals(driver.findElement(By.id("tab-" + view)).getDomAttribute("aria-selected"))
                && driver.findElement(By.id("view-" + view)).isDisplayed());
    }

    static void assertSelected(String view) {
        WebElement tab = driver.findElement(By.id("tab-" + view));
        assertEquals("true", tab.getDomAttribute("aria-selected"), view);
        assertEquals(tab, driver.switchTo().activeElement(), "focus follows the selected tab");
        assertTrue(driver.findElement(By.id("view-" + view)).isDisplayed(), view);
        assertEquals(1, driver.findElements(By.cssSelector("[role=tabpanel]:not([hidden])")).size());
    }

    static void set(String id, String value) {
        WebElement field = driver.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }

    static String text(String id) {
        return driver.findElement(By.id(id)).getText();
    }

    static List<WebElement> rows(String id) {
        return driver.findElements(By.cssSelector("#feed-table tr[data-id='" + id + "']"));
    }

    /** The series of the ECharts chart in the element: what the page drew, from the chart itself. */
    static JsonNode series(String chartId) throws Exception {
        Object json = ((JavascriptExecutor) driver).executeScript("const c = echarts.getInstanceByDom("
                + "document.getElementById(arguments[0])); return c ? JSON.stringify(c.getOption().series"
                + ".map(s => ({id: s.id, data: s.data}))) : '[]';", chartId);
        return HttpJson.MAPPER.readTree((String) json);
    }

    static boolean hasSeries(String chartId, String seriesId) {
        return findSeries(chartId, seriesId) != null;
    }

    static JsonNode seriesById(String chartId, String seriesId) {
        JsonNode found = findSeries(chartId, seriesId);
        if (found == null) {
            throw new AssertionError("no series " + seriesId + " in " + chartId);
        }
        return found;
    }

    private static JsonNode findSeries(String chartId, String seriesId) {
        try {
            for (JsonNode s : series(chartId)) {
                if (s.get("id").asText().equals(seriesId)) {
                    return s;
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits, with a deadline, for the supplier to give something other than null or false. */
    static <T> T waitFor(Duration deadline, Supplier<T> condition) {
        FluentWait<WebDriver> wait = new WebDriverWait(driver, deadline, Duration.ofMillis(50));
        return wait.until(d -> {
            T value = condition.get();
            return Boolean.FALSE.equals(value) ? null : value;
        });
    }

    static void post(String id, String text) throws Exception {
        HttpJson.Response r = HttpJson.post(url + "/texts", Map.of("id", id, "text", text));
        assertEquals(202, r.status(), String.valueOf(r.json()));
    }

    static void awaitVectors(int n) {
        new FluentWait<>(url).withTimeout(INDEX_DEADLINE).pollingEvery(Duration.ofMillis(100))
                .withMessage(() -> "the instance does not hold " + n + " vectors")
                .until(u -> {
                    try {
                        return HttpJson.get(u + "/health").json().get("vectors").asInt() == n;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    // ---- screenshots, for a person (the README's); not asserted ----

    /** The page at the window's 1280 px from its top, beyond the viewport, at most {@code maxHeight} tall. */
    static void screenshot(String name, int maxHeight) throws Exception {
        long height = (Long) ((JavascriptExecutor) driver).executeScript("return document.documentElement.scrollHeight;");
        capture(name, 0, Math.min(height, maxHeight));
    }

    /** The part of the page from the top of one element to the bottom of another. */
    static void screenshot(String name, String fromId, String toId) throws Exception {
        String edge = "const r = document.getElementById(arguments[0]).getBoundingClientRect(); return Math.round(%s + window.scrollY);";
        JavascriptExecutor js = (JavascriptExecutor) driver;
        long top = ((Number) js.executeScript(edge.formatted("r.top"), fromId)).longValue() - 12;
        long bottom = ((Number) js.executeScript(edge.formatted("r.bottom"), toId)).longValue() + 12;
        capture(name, top, bottom - top);
    }

    /** Chromium's DevTools capture, which reaches beyond the viewport without resizing the window (or the charts). */
    private static void capture(String name, long y, long height) throws Exception {
        Map<String, Object> shot = ((ChromeDriver) driver).executeCdpCommand("Page.captureScreenshot", Map.of(
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", y, "width", 1280, "height", height, "scale", 1)));
        Files.write(SCREENSHOTS.resolve(name + ".png"), Base64.getDecoder().decode((String) shot.get("data")));
    }

    /** The view as a 390 px phone shows it: the device metrics of a phone, the page laid out again. */
    static void phoneScreenshot(String name, String chartId) throws Exception {
        ChromeDriver chrome = (ChromeDriver) driver;
        chrome.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 390, "height", 844, "deviceScaleFactor", 1, "mobile", true));
        try {
            waitFor(PAGE_DEADLINE, () -> driver.findElement(By.id(chartId)).getSize().getWidth() <= 390);
            Files.write(SCREENSHOTS.resolve(name + ".png"), chrome.getScreenshotAs(OutputType.BYTES));
        } finally {
            chrome.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }
}
