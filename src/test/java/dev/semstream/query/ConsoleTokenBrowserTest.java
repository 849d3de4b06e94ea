package dev.semstream.query;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console on an instance beyond loopback, in Chromium: the API answers 401 until the user gives the page
 * the token, which it keeps in a cookie that the browser then sends with every call, the feed's EventSource
 * included. The server here has only the console's files and records every API path that got past the guard.
 */
class ConsoleTokenBrowserTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    @TempDir
    Path profile;
    private ApiHttpServer server;
    private ChromeDriver browser;

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theTokenTypedIntoThePageOpensTheApiAndTheFeed() {
        assumeTrue(HeadlessChromium.installed(), "needs Debian's chromium and chromium-driver");
        ConsoleFiles files = ConsoleFiles.load();
        server = ApiHttpServer.bind("0.0.0.0", 0, new ApiAccess("s3cret token", Set.of(), Set.of()));
        Set<String> pastTheGuard = ConcurrentHashMap.newKeySet();
        server.start(request -> {
            if (ConsoleFiles.claims(request.rawPath())) {
                return files.reply(request);
            }
            pastTheGuard.add(request.rawPath());
            if (request.rawPath().equals("/feed/stats")) {
                return ApiReply.json(200, Json.newObject().put("subscribers", 0));
            }
            throw ApiException.notFound("no such endpoint here");
        });
        browser = HeadlessChromium.start(profile, DEADLINE);
        browser.get("http://127.0.0.1:" + server.port() + "/#feed");
        WebDriverWait wait = new WebDriverWait(browser, DEADLINE);

        // No token: the feed is refused, and the page asks for the token with the API's own words.
        wait.until(d -> d.findElement(By.id("token-form")).isDisplayed());
        assertTrue(browser.findElement(By.id("token-why")).getText().contains("needs the API token"),
                browser.findElement(By.id("token-why")).getText());

        browser.findElement(By.id("token")).sendKeys("s3cret token");
        browser.findElement(By.cssSelector("#token-form button")).click();

        // Reloaded with the cookie: the feed's EventSource (which cannot send a header) and the page's fetches get
        // past the guard, and the page no longer asks.
        wait.until(d -> pastTheGuard.contains("/feed") && pastTheGuard.contains("/feed/stats"));
        assertFalse(browser.findElement(By.id("token-form")).isDisplayed());
        String cookie = browser.manage().getCookieNamed(AccessGuard.TOKEN_COOKIE).getValue();
        assertTrue(cookie.equals("s3cret%20token"), cookie);
    }
}
