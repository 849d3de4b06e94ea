package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Pipeline;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.reference.TextCorpus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.FluentWait;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The web page as a user uses it, in a real browser: Debian's Chromium, headless, driven by Selenium
 * through Debian's chromedriver. One instance with the HTTP API on the embedded broker and registry;
 * what the page shows is checked against what the API answers for the same request.
 *
 * <p>Skipped (an assumption in each test) where {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is missing;
 * CI installs both ({@code apt-get install chromium chromium-driver}), so it runs there.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPageBrowserTest {
    static final Path CHROMIUM = HeadlessChromium.CHROMIUM;
    static final Path CHROMEDRIVER = HeadlessChromium.CHROMEDRIVER;
    /** For the pipeline: embedding and indexing what the test ingests. */
    static final Duration INDEX_DEADLINE = Duration.ofMinutes(3);
    /** For the browser: a page load, a click and the API call behind it. */
    static final Duration PAGE_DEADLINE = Duration.ofSeconds(60);
    static final int TEXTS = 30;
    static final Path SCREENSHOT = Path.of("target", "web-page.png");

    @TempDir
    static Path dataDir;
    @TempDir
    static Path browserProfile;
    static Pipeline app;
    static String url;
    static WebDriver driver;
    static final Map<String, String> groupById = new LinkedHashMap<>();

    static boolean browserInstalled() {
        return HeadlessChromium.installed();
    }

    @BeforeAll
    static void startAnInstanceAndABrowser() throws Exception {
        if (!browserInstalled()) {
            return; // every test skips, with the reason: see requireTheBrowser
        }
        app = Pipeline.start(AppSettings.embedded(dataDir).withHttp("localhost", 0)
                        .withExtraProperties(Map.of("commit.interval.ms", 100)),
                EncoderModels.encoder(null, EncoderOptions.defaults()), line -> { });
        url = app.endpoints().queryUrl();

        List<String> corpus = TextCorpus.texts(2024L, TEXTS, 12);
        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            String id = String.format("w-%02d", i);
            String group = "g" + (i % 3);
            groupById.put(id, group);
            events.add(Map.of("id", id, "text", corpus.get(i),
                    "metadata", Map.of("group", group, "source", "browser-test")));
        }
        HttpJson.Response ingest = HttpJson.post(url + "/texts", Map.of("texts", events));
        assertEquals(202, ingest.status(), String.valueOf(ingest.json()));
        awaitVectors(TEXTS);

        driver = startChromium();
    }

    static WebDriver startChromium() {
        return HeadlessChromium.start(browserProfile, PAGE_DEADLINE);
    }

    /** Per test rather than in {@code @BeforeAll}, so the report counts each test as skipped, with this message. */
    @BeforeEach
    void requireTheBrowser() {
        assumeTrue(browserInstalled(), "the browser test needs Debian's Chromium and its driver at " + CHROMIUM
                + " and " + CHROMEDRIVER + ": apt-get install chromium chromium-driver");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (driver != null) {
                // For a human looking at a run: the page as the last test left it. Not asserted.
                Files.createDirectories(SCREENSHOT.getParent());
                Files.write(SCREENSHOT, ((ChromeDriver) driver).getScreenshotAs(OutputType.BYTES));
            }
        } finally {
            if (driver != null) {
                driver.quit();
            }
            if (app != null) {
                app.close();
            }
        }
    }

    @Test
    @Order(1)
    void aSearchShowsTheHitsTheApiAnswersInItsOrderWithDistancesForEuclidean() throws Exception {
        String query = "How does the attention layer weigh the tokens of a sentence?";
        List<WebElement> rows = searchInPage(query, 5, "euclidean", "");

        JsonNode api = HttpJson.search(url, Map.of("text", query, "k", 5, "metric", "euclidean", "filters", Map.of()));
        assertEquals(HttpJson.hitIds(api), cells(rows, "id"), "the page shows the API's hits in the API's order");
        assertEquals(5, rows.size());
        assertEquals(scores(api), cells(rows, "score"), "each score, to 4 decimals");
        assertEquals("distance", driver.findElement(By.id("score-head")).getText());
        assertTrue(status().getText().matches("5 hits in [0-9.]+ ms from partitions .*"), status().getText());
        assertFalse(status().getAttribute("class").contains("error"));
    }

    @Test
    @Order(2)
    void aFilterKeepsOnlyTextsWhoseMetadataMatches() throws Exception {
        String query = "cosine similarity of embedding vectors";
        List<WebElement> rows = searchInPage(query, 5, "cosine", "group=g1");

        JsonNode api = HttpJson.search(url, Map.of("text", query, "k", 5, "metric", "cosine", "filters", Map.of("group", "g1")));
        assertEquals(HttpJson.hitIds(api), cells(rows, "id"));
        assertEquals("cosine", driver.findElement(By.id("score-head")).getText());
        for (WebElement row : rows) {
            String meta = row.findElement(By.cssSelector("td.text .meta")).getText();
            assertTrue(Arrays.asList(meta.split(", ")).contains("group=g1"), "row metadata: " + meta);
            assertEquals("g1", groupById.get(row.findElement(By.cssSelector("td.id")).getText()));
        }
    }

    @Test
    @Order(3)
    void aFilterThatIsNotKeyEqualsValueShowsARedErrorAndNoStaleResults() throws Exception {
        searchInPage("softmax temperature", 3, "cosine", "");
        // The same page, a second search with a bad filter: the error replaces the earlier results.
        driver.findElement(By.id("filters")).sendKeys("nonsense");
        driver.findElement(By.id("search")).click();
        WebElement status = wait(PAGE_DEADLINE).until(d -> {
            WebElement s = status();
            return s.getAttribute("class").contains("error") ? s : null;
        });
        assertTrue(status.getText().contains("nonsense"), status.getText());
        assertEquals("rgba(176, 0, 32, 1)", status.getCssValue("color"), "the error is red");
        assertFalse(driver.findElement(By.id("results")).isDisplayed(),
                "the results of the earlier search are not left showing under the error");

        // An error from the API shows the same way, with the API's message: a blank text passes the
        // browser's check of the required field, not the API's.
        driver.findElement(By.id("filters")).clear();
        WebElement q = driver.findElement(By.id("q"));
        q.clear();
        q.sendKeys("   ");
        driver.findElement(By.id("search")).click();
        wait(PAGE_DEADLINE).until(d -> status().getText().contains("'text' is blank"));
        assertTrue(status().getAttribute("class").contains("error"), status().getAttribute("class"));
        assertFalse(driver.findElement(By.id("results")).isDisplayed());
    }

    @Test
    @Order(4)
    void theSimilarityFormShowsTheApisCosineAndEuclideanFigures() throws Exception {
        String a = "The decoder masks future tokens.";
        String b = "Causal masking hides the next words from the model.";
        openPage();
        driver.findElement(By.id("a")).sendKeys(a);
        driver.findElement(By.id("b")).sendKeys(b);
        driver.findElement(By.id("compare")).click();
        WebElement out = wait(PAGE_DEADLINE).until(
                ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#similarity:not(:empty)")));
        String text = out.getText();

        HttpJson.Response api = HttpJson.post(url + "/similarity", Map.of("a", a, "b", b));
        assertEquals(200, api.status(), String.valueOf(api.json()));
        assertEquals(api.json().get("cosine").asDouble(), figureAfter(text, "cosine similarity"), 0.5e-4 + 1e-9, text);
        assertEquals(api.json().get("euclidean").asDouble(), figureAfter(text, "Euclidean distance"), 0.5e-4 + 1e-9, text);
        assertFalse(out.getAttribute("class").contains("error"));
    }

    @Test
    @Order(5)
    void aTextAddedInThePageIsFoundFirstBySearchingForIt() throws Exception {
        String text = "Kafka partitions carry the embeddings of every sentence added from the browser.";
        String id = "added-in-browser";
        openPage();
        driver.findElement(By.id("new-text")).sendKeys(text);
        driver.findElement(By.id("new-id")).sendKeys(id);
        driver.findElement(By.id("add")).click();
        wait(PAGE_DEADLINE).until(ExpectedConditions.textToBePresentInElementLocated(By.id("ingest"), "added " + id));
        assertFalse(driver.findElement(By.id("ingest")).getAttribute("class").contains("error"));

        awaitVectors(TEXTS + 1);
        List<WebElement> rows = searchInPage(text, 5, "cosine", "");
        assertEquals(id, cells(rows, "id").get(0));
        assertEquals(text, rows.get(0).findElement(By.cssSelector("td.text")).getText(),
                "a text without metadata shows no metadata line");
        assertEquals(1.0, Double.parseDouble(cells(rows, "score").get(0)), 1e-3, "the text is its own nearest");
    }

    // ---- the page, as a user works it ----

    static void openPage() {
        driver.get(url + "/");
        wait(PAGE_DEADLINE).until(ExpectedConditions.elementToBeClickable(By.id("search")));
    }

    /** Opens the page, fills the search form, clicks Search and waits for the rows of the answer. */
    static List<WebElement> searchInPage(String query, int k, String metric, String filters) {
        openPage();
        driver.findElement(By.id("q")).sendKeys(query);
        WebElement kField = driver.findElement(By.id("k"));
        kField.clear();
        kField.sendKeys(String.valueOf(k));
        new Select(driver.findElement(By.id("metric"))).selectByValue(metric);
        if (!filters.isEmpty()) {
            driver.findElement(By.id("filters")).sendKeys(filters);
        }
        driver.findElement(By.id("search")).click();
        wait(PAGE_DEADLINE).until(d -> {
            String s = status().getText();
            if (status().getAttribute("class").contains("error")) {
                throw new AssertionError("the search failed in the page: " + s);
            }
            return s.matches("\\d+ hits in .*");
        });
        assertTrue(driver.findElement(By.id("results")).isDisplayed());
        return driver.findElements(By.cssSelector("table#results tbody tr.hit"));
    }

    static WebElement status() {
        return driver.findElement(By.id("search-status"));
    }

    static List<String> cells(List<WebElement> rows, String column) {
        return rows.stream().map(r -> r.findElement(By.cssSelector("td." + column)).getText()).toList();
    }

    static double figureAfter(String text, String label) {
        Matcher m = Pattern.compile(Pattern.quote(label) + " (-?[0-9]+\\.[0-9]{4})\\b").matcher(text);
        assertTrue(m.find(), "no '" + label + " 0.0000' in: " + text);
        return Double.parseDouble(m.group(1));
    }

    static FluentWait<WebDriver> wait(Duration deadline) {
        return new WebDriverWait(driver, deadline, Duration.ofMillis(50));
    }

    // ---- the API ----

    static List<String> scores(JsonNode result) {
        List<String> scores = new ArrayList<>();
        result.get("hits").forEach(h -> scores.add(new java.math.BigDecimal(h.get("score").asDouble())
                .setScale(4, java.math.RoundingMode.HALF_UP).toPlainString()));
        return scores;
    }

    /** Polls GET /health until the instance holds {@code n} vectors, with a deadline. */
    static void awaitVectors(int n) {
        Function<String, Integer> vectors = u -> {
            try {
                return HttpJson.get(u + "/health").json().get("vectors").asInt();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        new FluentWait<>(url).withTimeout(INDEX_DEADLINE).pollingEvery(Duration.ofMillis(100))
                .withMessage(() -> "the instance holds " + vectors.apply(url) + " vectors, not " + n)
                .until(u -> vectors.apply(u) == n);
    }

}
