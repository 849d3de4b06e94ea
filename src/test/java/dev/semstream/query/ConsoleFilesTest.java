package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's static files over HTTP: each with its content type, ECharts from the WebJar without its
 * version in the URL, and every other path under the console's prefixes a JSON 404, traversal included.
 */
class ConsoleFilesTest {
    private final ConsoleFiles files = ConsoleFiles.load();
    private ApiHttpServer server;
    private String url;

    /** The server with only the console's routes, as QueryServer routes them; the rest is a 404. */
    private void start(String host, ApiAccess access) {
        server = ApiHttpServer.bind(host, 0, access);
        server.start(request -> {
            if (ConsoleFiles.claims(request.rawPath())) {
                return files.reply(request);
            }
            throw ApiException.notFound("no such endpoint");
        });
        url = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePageItsScriptsAndEChartsAreServedWithTheirContentTypes() throws Exception {
        start("127.0.0.1", ApiAccess.loopbackDefault());
        RawHttp.Answer page = get("/");
        assertEquals(200, page.status());
        assertEquals("text/html; charset=utf-8", page.headers().get("content-type"));
        assertTrue(page.body().contains("role=\"tablist\""), "the console, not the old page");
        assertEquals(page.body(), get("/console/index.html").body());
        assertEquals("text/css; charset=utf-8", get("/console/console.css").headers().get("content-type"));
        for (String file : ConsoleFiles.FILES) {
            RawHttp.Answer answer = get("/console/" + file);
            assertEquals(200, answer.status(), file);
            assertTrue(answer.body().length() > 100, file);
            if (file.endsWith(".js")) {
                // A module script with any other type is refused by the browser.
                assertEquals("text/javascript; charset=utf-8", answer.headers().get("content-type"), file);
            }
        }
        RawHttp.Answer echarts = get("/webjars/echarts/dist/echarts.min.js");
        assertEquals(200, echarts.status());
        assertEquals("text/javascript; charset=utf-8", echarts.headers().get("content-type"));
        assertTrue(echarts.body().length() > 500_000, "the whole minified ECharts: " + echarts.body().length());
        assertTrue(echarts.body().contains("5.3.1"), "the WebJar's version");
        assertEquals("nosniff", echarts.headers().get("x-content-type-options"));
    }

    @Test
    void everyScriptThePageNamesIsServed() throws Exception {
        start("127.0.0.1", ApiAccess.loopbackDefault());
        String page = get("/").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(page);
        int named = 0;
        while (m.find()) {
            named++;
            assertEquals(200, get(m.group(1)).status(), m.group(1));
        }
        // Every console file but the page itself, and ECharts.
        assertEquals(ConsoleFiles.FILES.size() - 1 + ConsoleFiles.ECHARTS_FILES.size(), named);
    }

    @Test
    void pathsOutsideTheListAreJson404sAndNeverReachTheClassPath() throws Exception {
        start("127.0.0.1", ApiAccess.loopbackDefault());
        for (String path : List.of("/console/", "/console/nope.js", "/console/../QueryServer.class",
                "/console/%2e%2e/QueryServer.class", "/console/..%2fQueryServer.class", "/console/index.html/",
                "/console/INDEX.HTML", "/webjars/", "/webjars/echarts/",
                "/webjars/echarts/package.json", "/webjars/echarts/dist/echarts.js", "/webjars/echarts/5.3.1/dist/echarts.min.js",
                "/webjars/echarts/dist/../../../../META-INF/MANIFEST.MF", "/webjars/zrender/dist/zrender.min.js",
                "/console/dev/semstream/query/console/index.html", "/index.html", "/console/%00", "/console/status")) {
            RawHttp.Answer answer = get(path);
            assertTrue(answer.status() == 404 || answer.status() == 400, path + ": " + answer.status());
            assertEquals("application/json", answer.headers().get("content-type"), path);
            JsonNode json = HttpJson.MAPPER.readTree(answer.body());
            assertEquals(answer.status(), json.get("status").asInt(), path);
            assertTrue(json.get("message").asText().length() > 0, path);
        }
        assertEquals(405, RawHttp.request(url, "POST", "/console/console.js", "", "{}").status());
        assertEquals(405, RawHttp.request(url, "DELETE", "/", "", "").status());
    }

    @Test
    void beyondLoopbackTheFilesNeedNoTokenButTheApiDoes() throws Exception {
        start("0.0.0.0", new ApiAccess("t0ken", Set.of(), Set.of()));
        String host = "Host: " + InetAddress.getLocalHost().getHostName() + ":" + server.port() + "\r\n";
        for (String path : List.of("/", "/console/map.js", "/webjars/echarts/dist/echarts.min.js")) {
            assertEquals(200, RawHttp.request(url, "GET", path, host, "").status(), path);
        }
        // Under the console's prefix but not one of its files (the status endpoint lives there): the token first.
        assertEquals(401, RawHttp.request(url, "GET", "/console/status", host, "").status());
        assertEquals(401, RawHttp.request(url, "GET", "/console/nope.js", host, "").status());
    }

    /**
     * The page cannot put the token in an EventSource's headers, so it keeps it in a cookie: the right one opens the
     * API (the guard, not a route, answers 404 here), a wrong one or another cookie alone does not.
     */
    @Test
    void beyondLoopbackTheConsolesTokenCookieOpensTheApi() throws Exception {
        start("0.0.0.0", new ApiAccess("t0k=n;x", Set.of(), Set.of()));
        String host = "Host: " + InetAddress.getLocalHost().getHostName() + ":" + server.port() + "\r\n";
        // Percent-encoded, as the page's encodeURIComponent writes it: the token's '=' and ';' survive.
        RawHttp.Answer right = RawHttp.request(url, "GET", "/feed", host
                + "Cookie: theme=dark; " + AccessGuard.TOKEN_COOKIE + "=t0k%3Dn%3Bx\r\n", "");
        assertEquals(404, right.status(), "past the guard: " + right.body());
        RawHttp.Answer wrong = RawHttp.request(url, "GET", "/feed", host
                + "Cookie: " + AccessGuard.TOKEN_COOKIE + "=guess\r\n", "");
        assertEquals(401, wrong.status());
        assertTrue(wrong.body().contains("the API token is wrong"), wrong.body());
        RawHttp.Answer other = RawHttp.request(url, "GET", "/feed", host + "Cookie: theme=dark\r\n", "");
        assertEquals(401, other.status());
        assertTrue(other.body().contains("needs the API token"), other.body());
        assertEquals(401, RawHttp.request(url, "GET", "/feed", host
                + "Cookie: " + AccessGuard.TOKEN_COOKIE + "=%zz\r\n", "").status(), "bad percent-encoding");
    }

    private RawHttp.Answer get(String path) throws Exception {
        return RawHttp.request(url, "GET", path, "", "");
    }
}
