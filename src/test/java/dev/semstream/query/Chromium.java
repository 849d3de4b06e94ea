package dev.semstream.query;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's Chromium, headless, driven through Debian's chromedriver: the browser of the page's tests. Where
 * either is missing the tests skip; CI installs both ({@code apt-get install chromium chromium-driver}).
 */
final class Chromium {
    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String MISSING = "the browser test needs Debian's Chromium and its driver at " + BINARY
            + " and " + DRIVER + ": apt-get install chromium chromium-driver";

    private Chromium() {
    }

    static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    /**
     * Both set explicitly, so Selenium Manager has nothing to download.
     *
     * @param profile  a fresh directory for the browser's profile
     * @param deadline for a page load and for a script
     */
    static WebDriver start(Path profile, int width, int height, Duration deadline) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        // The machine's network is closed: without the background-networking flags Chromium stalls on
        // refused connections to its update, sync and field-trial services.
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=" + width + "," + height,
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver chrome = new ChromeDriver(service, options);
        chrome.manage().timeouts().pageLoadTimeout(deadline).scriptTimeout(deadline);
        return chrome;
    }
}
