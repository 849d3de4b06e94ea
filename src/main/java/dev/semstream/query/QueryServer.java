package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.semstream.model.Encoder;
import dev.semstream.store.ModelMismatchException;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorStoreException;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.RecordLimits;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP API of one instance (JSON; the routes are listed in {@link #route}), and the web page at
 * {@code /}. Every error is a JSON body with a 4xx or 5xx status; the server never answers HTML errors.
 */
public final class QueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);

    static {
        // The JDK server writes a response's headers and body in separate packets; with Nagle's algorithm on,
        // the body then waits for the client's delayed ACK: 40 ms per call, and a fan-out makes two calls.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }
    /**
     * Largest request body: a search with a vector is ~8 KB, an ingest of 1,000 short texts well under this;
     * one text of this size still fits a record of the input topic (see {@link RecordLimits}).
     */
    static final int MAX_BODY_BYTES = RecordLimits.MAX_BODY_BYTES;
    /** How much of an oversized body is read and dropped so its sender sees the 413. */
    private static final long DRAIN_LIMIT_BYTES = 64L << 20;

    private final HttpServer server;
    private final HostInfo self;
    private final ExecutorService threads;
    private final byte[] page;
    private QueryService service;
    private Ingest ingest;

    private QueryServer(HttpServer server, HostInfo self) {
        this.server = server;
        this.self = self;
        this.page = readPage();
        this.threads = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "semstream-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
    }

    /**
     * Takes the port now (0: any free one), before Kafka Streams starts, because the address is this
     * instance's {@code application.server}: other instances reach it there.
     */
    public static QueryServer bind(String host, int port) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
            return new QueryServer(http, new HostInfo(host, http.getAddress().getPort()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** This instance's address, as {@code application.server} must give it. */
    public HostInfo self() {
        return self;
    }

    public String url() {
        return "http://" + self.host() + ":" + self.port();
    }

    /**
     * Starts answering.
     *
     * @param inputFormat      how this pipeline reads its input topic (run --input-format): posted texts are
     *                         written that way
     * @param clientProperties bootstrap servers, registry URL and pass-through settings, for ingesting
     */
    public void start(KafkaStreams streams, Encoder encoder, QueryableIndexes indexes, String inputTopic,
                      InputFormat inputFormat, Map<String, Object> clientProperties) {
        ingest = new Ingest(clientProperties, inputTopic, inputFormat);
        service = new QueryService(self, streams, encoder, indexes, inputTopic, ingest);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                route(exchange);
            } catch (ApiException e) {
                sendError(exchange, e.status(), e.error(), e.getMessage());
            } catch (ModelMismatchException e) {
                sendError(exchange, 409, "model_mismatch", e.getMessage());
            } catch (VectorStoreException e) {
                sendError(exchange, 400, "bad_request", e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("{} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                sendError(exchange, 500, "internal", e.toString());
            }
        }
    }

    /**
     * <pre>
     * GET  /                      the web page
     * GET  /health                200 when running (or rebalancing), 503 otherwise
     * GET  /instances             every instance and its partitions
     * POST /search                {text | vector | id, k, metric, exact, ef, filters, includeVectors, stale, timeoutMs}
     * GET  /embeddings/{id}       one stored embedding (?stale=true to allow standby replicas)
     * POST /similarity            {a, b} -> cosine, euclidean, dot
     * POST /embed                 {text} -> its vector, not stored
     * POST /texts                 {id?, text, metadata?} or {texts: [...]} -> produced to the input topic in the
     *                             pipeline's input format; no id: the text's content id, as produce gives it
     * DELETE /texts/{id}          a tombstone for the id -> deleted from the store
     * POST /internal/search       another instance's fan-out: this instance's partitions only
     * GET  /internal/embeddings/{id}
     * </pre>
     */
    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        boolean stale = "true".equals(queryParameter(exchange, "stale"));
        switch (path) {
            case "/", "/index.html" -> {
                requireMethod(method, "GET");
                send(exchange, 200, "text/html; charset=utf-8", page);
            }
            case "/health" -> {
                requireMethod(method, "GET");
                sendJson(exchange, service.healthy() ? 200 : 503, service.health());
            }
            case "/instances" -> {
                requireMethod(method, "GET");
                sendJson(exchange, 200, service.instances());
            }
            case "/search" -> sendJson(exchange, 200, service.search(postBody(exchange)));
            case "/similarity" -> sendJson(exchange, 200, service.similarity(postBody(exchange)));
            case "/embed" -> sendJson(exchange, 200, service.embed(postBody(exchange)));
            case "/texts" -> sendJson(exchange, 202, service.ingest(postBody(exchange)));
            case "/internal/search" -> sendJson(exchange, 200, service.internalSearch(postBody(exchange)));
            default -> {
                if (path.startsWith("/embeddings/")) {
                    requireMethod(method, "GET");
                    sendJson(exchange, 200, service.embedding(idAfter(path, "/embeddings/"), stale));
                } else if (path.startsWith("/texts/")) {
                    requireMethod(method, "DELETE");
                    sendJson(exchange, 202, service.delete(idAfter(path, "/texts/")));
                } else if (path.startsWith("/internal/embeddings/")) {
                    requireMethod(method, "GET");
                    sendJson(exchange, 200, service.localEmbedding(idAfter(path, "/internal/embeddings/"), stale));
                } else {
                    throw ApiException.notFound("no such endpoint: " + method + " " + path
                            + "; see GET / for the web page and the README for the API");
                }
            }
        }
    }

    private static String idAfter(String rawPath, String prefix) {
        String id = URLDecoder.decode(rawPath.substring(prefix.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
        if (id.isEmpty()) {
            throw ApiException.badRequest("the id is missing: " + prefix + "{id}");
        }
        return id;
    }

    private static String queryParameter(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new ApiException(405, "method_not_allowed", method + " is not allowed here; use " + allowed);
        }
    }

    /** The JSON body of a POST, at most {@link #MAX_BODY_BYTES}. */
    private static JsonNode postBody(HttpExchange exchange) throws IOException {
        requireMethod(exchange.getRequestMethod(), "POST");
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                // Read the rest (up to a bound) before answering: a client still sending when the server
                // closes gets a connection reset instead of the 413 and its message.
                drain(in);
                throw new ApiException(413, "body_too_large", "the request body is "
                        + (declared != null ? declared.trim() + " bytes" : "over the limit")
                        + "; the limit is " + MAX_BODY_BYTES + " bytes");
            }
            return Json.parse(body);
        }
    }

    private static void drain(InputStream in) throws IOException {
        byte[] scratch = new byte[64 * 1024];
        long left = DRAIN_LIMIT_BYTES;
        for (int n; left > 0 && (n = in.read(scratch, 0, (int) Math.min(scratch.length, left))) > 0; ) {
            left -= n;
        }
    }

    private static void sendJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", Json.bytes(body));
    }

    private static void sendError(HttpExchange exchange, int status, String error, String message) throws IOException {
        ObjectNode body = Json.newObject();
        body.put("error", error);
        body.put("message", message);
        body.put("status", status);
        sendJson(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static byte[] readPage() {
        try (InputStream in = QueryServer.class.getResourceAsStream("index.html")) {
            if (in == null) {
                throw new IllegalStateException("the web page dev/semstream/query/index.html is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
        if (ingest != null) {
            ingest.close();
        }
    }
}
