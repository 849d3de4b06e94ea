package dev.semstream.registry;

import dev.semstream.avro.TextEvent;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the client puts on the wire and how it reacts to failures, against a scripted local HTTP server: the
 * things a real registry will not do on demand (answer 503, 429, an HTML error page) or that it does not check
 * (our basic auth header).
 */
class RegistryHttpStubTest {
    record Answer(int status, String body) { }

    HttpServer server;
    final Deque<Answer> script = new ArrayDeque<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<String> contentTypes = new CopyOnWriteArrayList<>();
    String url;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
        exchange.getRequestBody().readAllBytes();
        Answer a;
        synchronized (script) {
            a = script.isEmpty() ? new Answer(500, "script exhausted") : script.poll();
        }
        byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(a.status(), body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    SchemaRegistryClient client(SchemaRegistryClientConfig config) {
        return new SchemaRegistryClient(config.withRetries(4, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(5)));
    }

    @Test
    void sendsBasicAuthFromUserInfo() {
        script.add(new Answer(200, "{\"id\":7}"));
        int id = client(SchemaRegistryClientConfig.of(url).withUserInfo("alice:s3cr:et")).register("t-value", SchemaRegistryClientTest.V1);
        assertEquals(7, id);
        String expected = "Basic " + Base64.getEncoder().encodeToString("alice:s3cr:et".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(expected), authorizations);
        assertEquals(List.of(RegistryHttp.CONTENT_TYPE), contentTypes);
    }

    @Test
    void serdesTakeBasicAuthFromTheKafkaConfig() {
        // A new subject: its latest version is asked for (none), the schema registered, the subject made BACKWARD.
        script.add(new Answer(404, "{\"error_code\":40401,\"message\":\"Subject 't-value' not found.\"}"));
        script.add(new Answer(200, "{\"id\":9}"));
        script.add(new Answer(200, "{\"compatibility\":\"BACKWARD\"}"));
        AvroSerializer<TextEvent> serializer = new AvroSerializer<>();
        serializer.configure(Map.of("schema.registry.url", url, "basic.auth.user.info", "bob:pw"), false);
        byte[] bytes = serializer.serialize("t", AvroSerdeTest.textEvent());
        assertEquals(9, bytes[4]);
        String bob = "Basic " + Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(bob, bob, bob), authorizations);
    }

    @Test
    void sendsNoAuthWithoutUserInfo() {
        script.add(new Answer(200, "{\"compatibilityLevel\":\"BACKWARD\"}"));
        assertEquals(CompatibilityLevel.BACKWARD, client(SchemaRegistryClientConfig.of(url)).compatibility());
        assertEquals(List.of("null"), authorizations);
    }

    @Test
    void passwordStaysOutOfToString() {
        String shown = SchemaRegistryClientConfig.of(url).withUserInfo("alice:s3cret").toString();
        assertTrue(!shown.contains("s3cret") && shown.contains("auth=basic"), shown);
    }

    @Test
    void retries5xxAnd429ThenSucceeds() {
        script.add(new Answer(503, "{\"error_code\":50301,\"message\":\"starting\"}"));
        script.add(new Answer(429, "{\"error_code\":42901,\"message\":\"slow down\"}"));
        script.add(new Answer(200, "{\"id\":3}"));
        assertEquals(3, client(SchemaRegistryClientConfig.of(url)).register("t-value", SchemaRegistryClientTest.V1));
        assertEquals(3, authorizations.size());
    }

    @Test
    void givesUpOn5xxAfterMaxAttemptsWithTheLastAnswer() {
        for (int i = 0; i < 10; i++) script.add(new Answer(500, "{\"error_code\":50001,\"message\":\"store down\"}"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> client(SchemaRegistryClientConfig.of(url)).schemaById(1));
        assertEquals(4, authorizations.size());
        assertEquals(500, e.status());
        assertEquals(50001, e.errorCode());
        assertTrue(e.getMessage().startsWith("schema registry " + url + ": store down (gave up after 4 attempts in "), e.getMessage());
    }

    @Test
    void neverRetries4xx() {
        script.add(new Answer(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> client(SchemaRegistryClientConfig.of(url)).register("t-value", SchemaRegistryClientTest.V1));
        assertEquals(1, authorizations.size());
        assertEquals("schema registry " + url + ": Invalid schema (422, error 42201)", e.getMessage());
    }

    @Test
    void quotesAnErrorBodyThatIsNotTheRegistrys() {
        script.add(new Answer(401, "<html>login required</html>"));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> client(SchemaRegistryClientConfig.of(url)).latest("t-value"));
        assertEquals(401, e.status());
        assertEquals("schema registry " + url + ": GET /apis/ccompat/v7/subjects/t-value/versions/latest failed: <html>login required</html> (401)",
                e.getMessage());
    }

    @Test
    void refusesUserInfoWithoutAPassword() {
        assertThrows(IllegalArgumentException.class, () -> SchemaRegistryClientConfig.of(url).withUserInfo("alice"));
        assertNull(SchemaRegistryClientConfig.of(url).withUserInfo("").userInfo());
    }
}
