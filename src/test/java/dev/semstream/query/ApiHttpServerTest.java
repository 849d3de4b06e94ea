package dev.semstream.query;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server under the API on its own, with routes that stand in for the query service: hostile and
 * broken clients, the JSON error contract for what Jetty itself refuses, and the access guard end to end.
 */
class ApiHttpServerTest {
    private ApiHttpServer server;
    private String url;

    private void start(String host, ApiAccess access) {
        server = ApiHttpServer.bind(host, 0, access);
        server.start(request -> switch (request.rawPath()) {
            case "/health" -> {
                request.requireMethod("GET");
                yield ApiReply.json(200, Json.newObject().put("status", "ok"));
            }
            case "/texts", "/search" -> {
                request.postBody();
                yield ApiReply.json(202, Json.newObject().put("accepted", 1));
            }
            default -> {
                if (request.rawPath().startsWith("/texts/")) {
                    request.requireMethod("DELETE");
                    yield ApiReply.json(202, Json.newObject().put("deleted", request.rawPath().substring(7)));
                }
                if (request.rawPath().startsWith("/embeddings/")) {
                    request.requireMethod("GET");
                    yield ApiReply.json(200, Json.newObject().put("stale", request.queryParameter("stale")));
                }
                throw ApiException.notFound("no such endpoint: " + request.rawPath());
            }
        });
        url = "http://" + host + ":" + server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void sixteenConnectionsStuckInTheRequestLineLeaveTheApiAnswering() throws Exception {
        start("localhost", ApiAccess.loopbackDefault());
        try (RawHttp.Stalled stalled = RawHttp.halfSentRequestLines(url, 16)) {
            RawHttp.Answer health = assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> RawHttp.request(url, "GET", "/health", "", ""));
            assertEquals(200, health.status(), health.body());
        }
    }

    @Test
    void whatJettyRefusesIsAnsweredInTheJsonErrorContract() throws Exception {
        start("localhost", ApiAccess.loopbackDefault());
        assertJsonError(RawHttp.send(url, "POST /texts HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n"
                + "Connection: close\r\n\r\n"), 400);
        assertJsonError(RawHttp.request(url, "POST", "//search", "", "{}"), 400);
        assertJsonError(RawHttp.request(url, "GET", "/embeddings/x?stale=%zz", "", ""), 400);
        assertJsonError(RawHttp.send(url, "GARBAGE\r\n\r\n"), 400);
        assertJsonError(RawHttp.send(url, "GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: "
                + "x".repeat(ApiHttpServer.MAX_HEADER_BYTES) + "\r\nConnection: close\r\n\r\n"), 431);
        assertJsonError(RawHttp.request(url, "GET", "/nowhere", "", ""), 404);
        assertJsonError(RawHttp.request(url, "POST", "/texts", "Content-Type: application/json\r\n", "{\"text\":"), 400);
        RawHttp.Answer wrongMethod = RawHttp.request(url, "DELETE", "/health", "", "");
        assertJsonError(wrongMethod, 405);
        assertEquals("GET", wrongMethod.header("Allow"));
    }

    @Test
    void idsWithEncodedSlashesAndPercentSignsReachTheRoute() throws Exception {
        start("localhost", ApiAccess.loopbackDefault());
        RawHttp.Answer deleted = RawHttp.request(url, "DELETE", "/texts/docs%2Fa%20b%25%3Bx", "", "");
        assertEquals(202, deleted.status(), deleted.body());
        assertEquals("docs%2Fa%20b%25%3Bx", deleted.json().get("deleted").asText());
    }

    @Test
    void aBodyOverTheLimitIs413InJson() throws Exception {
        start("localhost", ApiAccess.loopbackDefault());
        RawHttp.Answer big = RawHttp.request(url, "POST", "/search", "", "x".repeat(ApiRequest.MAX_BODY_BYTES + 1));
        assertJsonError(big, 413);
        assertTrue(big.json().get("message").asText().contains("limit"), big.body());
    }

    @Test
    void aCrossSiteWriteIsRefusedAndTheApisOwnPageIsNot() throws Exception {
        start("localhost", ApiAccess.loopbackDefault());
        String form = "Content-Type: text/plain\r\nOrigin: http://evil.example\r\n";
        assertJsonError(RawHttp.request(url, "POST", "/texts", form, "{\"text\":\"x\"}"), 403);
        assertJsonError(RawHttp.request(url, "DELETE", "/texts/a", "Origin: http://evil.example\r\n", ""), 403);
        assertJsonError(RawHttp.request(url, "POST", "/texts", "Origin: null\r\n", "{\"text\":\"x\"}"), 403);
        RawHttp.Answer own = RawHttp.request(url, "POST", "/texts", "Origin: " + url + "\r\n", "{\"text\":\"x\"}");
        assertEquals(202, own.status(), own.body());
        assertNull(own.header("Access-Control-Allow-Origin"), "same origin needs no CORS header");
        RawHttp.Answer read = RawHttp.request(url, "GET", "/health", "Origin: http://evil.example\r\n", "");
        assertEquals(200, read.status());
        assertNull(read.header("Access-Control-Allow-Origin"), "the foreign page cannot read the answer");
    }

    @Test
    void aRebindingHostNameIsRefusedAndLoopbackNamesAndAddressesAreNot() throws Exception {
        start("localhost", new ApiAccess(null, Set.of(), Set.of("semstream.internal")));
        int port = server.port();
        assertJsonError(RawHttp.request(url, "GET", "/health", "Host: attacker.example:" + port + "\r\n", ""), 403);
        for (String host : List.of("localhost", "127.0.0.1", "[::1]", "semstream.internal", "LOCALHOST")) {
            RawHttp.Answer ok = RawHttp.request(url, "GET", "/health", "Host: " + host + ":" + port + "\r\n", "");
            assertEquals(200, ok.status(), host + ": " + ok.body());
        }
    }

    @Test
    void onlyAllowListedOriginsGetCorsHeadersAndPreflights() throws Exception {
        start("localhost", new ApiAccess(null, Set.of("http://localhost:3000"), Set.of()));
        RawHttp.Answer allowed = RawHttp.request(url, "POST", "/texts", "Origin: http://localhost:3000\r\n",
                "{\"text\":\"x\"}");
        assertEquals(202, allowed.status());
        assertEquals("http://localhost:3000", allowed.header("Access-Control-Allow-Origin"));
        RawHttp.Answer preflight = RawHttp.request(url, "OPTIONS", "/texts", "Origin: http://localhost:3000\r\n"
                + "Access-Control-Request-Method: POST\r\n", "");
        assertEquals(204, preflight.status());
        assertEquals("GET, POST, DELETE", preflight.header("Access-Control-Allow-Methods"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Authorization"));
        assertJsonError(RawHttp.request(url, "OPTIONS", "/texts", "Origin: http://evil.example\r\n"
                + "Access-Control-Request-Method: POST\r\n", ""), 403);
    }

    @Test
    void aTokenGuardsWritesAndDeletesButNotReads() throws Exception {
        start("localhost", new ApiAccess("s3cret", Set.of(), Set.of()));
        RawHttp.Answer none = RawHttp.request(url, "POST", "/texts", "", "{\"text\":\"x\"}");
        assertJsonError(none, 401);
        assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"));
        assertJsonError(RawHttp.request(url, "POST", "/texts", "Authorization: Bearer wrong\r\n", "{}"), 401);
        assertJsonError(RawHttp.request(url, "DELETE", "/texts/a", "", ""), 401);
        assertEquals(202, RawHttp.request(url, "POST", "/texts", "Authorization: Bearer s3cret\r\n", "{}").status());
        assertEquals(202, RawHttp.request(url, "DELETE", "/texts/a", "Authorization: Bearer s3cret\r\n", "").status());
        assertEquals(202, RawHttp.request(url, "POST", "/search", "", "{}").status(), "a search changes nothing");
        assertEquals(200, RawHttp.request(url, "GET", "/health", "", "").status());
    }

    @Test
    void beyondLoopbackTheApiWillNotStartWithoutATokenAndThenWantsItForEverythingButProbes() throws Exception {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> ApiHttpServer.bind("0.0.0.0", 0, ApiAccess.loopbackDefault()));
        assertTrue(refused.getMessage().contains("--api-token"), refused.getMessage());
        start("0.0.0.0", new ApiAccess("s3cret", Set.of(), Set.of()));
        url = "http://127.0.0.1:" + server.port();
        assertJsonError(RawHttp.request(url, "POST", "/search", "", "{}"), 401);
        assertJsonError(RawHttp.request(url, "GET", "/embeddings/a", "", ""), 401);
        assertEquals(200, RawHttp.request(url, "GET", "/embeddings/a", "Authorization: Bearer s3cret\r\n", "").status());
        assertEquals(200, RawHttp.request(url, "GET", "/health", "", "").status());
    }

    @Test
    void aWildcardBindAnswersToTheNameItAdvertisesAsOtherInstancesCallIt() throws Exception {
        start("0.0.0.0", new ApiAccess("s3cret", Set.of(), Set.of()));
        url = "http://127.0.0.1:" + server.port();
        String name = java.net.InetAddress.getLocalHost().getHostName();
        assertEquals(200, RawHttp.request(url, "GET", "/health", "Host: " + name + ":" + server.port()
                + "\r\nAuthorization: Bearer s3cret\r\n", "").status(), "a peer calling " + name);
        assertJsonError(RawHttp.request(url, "GET", "/health", "Host: evil.example\r\n", ""), 403);
    }

    @Test
    void aServerBoundButNeverStartedGivesItsPortBackOnClose() throws Exception {
        ApiHttpServer bound = ApiHttpServer.bind("localhost", 0, ApiAccess.loopbackDefault());
        int port = bound.port();
        bound.close();
        try (java.net.ServerSocket again = new java.net.ServerSocket(port, 1, java.net.InetAddress.getByName("localhost"))) {
            assertEquals(port, again.getLocalPort());
        }
    }

    @Test
    void accessSettingsComeFromFlagsOrElseTheEnvironmentAndNeverPrintTheToken() {
        ApiAccess fromEnv = ApiAccess.of(null, null, null, Map.of(ApiAccess.TOKEN_VARIABLE, "t",
                ApiAccess.CORS_VARIABLE, "http://A.example/, http://b.example", ApiAccess.HOSTS_VARIABLE, "Box"));
        assertEquals("t", fromEnv.token());
        assertEquals(Set.of("http://a.example", "http://b.example"), fromEnv.corsOrigins());
        assertEquals(Set.of("box"), fromEnv.allowedHosts());
        assertEquals("flag", ApiAccess.of("flag", "", null, Map.of(ApiAccess.TOKEN_VARIABLE, "t")).token());
        assertTrue(!fromEnv.toString().contains("=t,") && fromEnv.toString().contains("token=set"));
    }

    static void assertJsonError(RawHttp.Answer answer, int status) throws IOException {
        assertEquals(status, answer.status(), answer.body());
        assertTrue(answer.header("Content-Type").startsWith("application/json"), answer.headers().toString());
        assertEquals(status, answer.json().get("status").asInt(), answer.body());
        assertTrue(answer.json().hasNonNull("error") && answer.json().hasNonNull("message"), answer.body());
    }
}
