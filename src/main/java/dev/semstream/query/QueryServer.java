package dev.semstream.query;

import dev.semstream.metrics.Metrics;
import dev.semstream.store.ModelMismatchException;
import dev.semstream.store.VectorStoreException;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The HTTP API of one instance (JSON; the routes are listed in {@link #route}), and the web page at
 * {@code /}, on {@link ApiHttpServer}. Every error is a JSON body with a 4xx or 5xx status; the server
 * never answers HTML errors.
 */
public final class QueryServer implements AutoCloseable {
    private final ApiHttpServer server;
    private final HostInfo self;
    private final ApiAccess access;
    private final ConsoleFiles console;
    private QueryService service;
    private Ingest ingest;
    private ModelInspection inspection;
    private Metrics metrics;
    /** The embedding map's axes, shared by the map and the live feed. */
    private final CurrentMapBasis mapBasis = new CurrentMapBasis();
    private EmbeddingMap map;
    private ConsoleStatus status;
    private ModelsStatus modelsStatus;
    private LiveFeed feed;
    private Prompts prompts;

    private QueryServer(ApiHttpServer server, HostInfo self, ApiAccess access) {
        this.server = server;
        this.self = self;
        this.access = access;
        this.console = ConsoleFiles.load();
    }

    /** {@link #bind(String, int, ApiAccess)} with the loopback default: no token, no cross-origin callers. */
    public static QueryServer bind(String host, int port) {
        return bind(host, port, ApiAccess.loopbackDefault());
    }

    /**
     * Takes the port now (0: any free one), before Kafka Streams starts, because the address is this
     * instance's {@code application.server}: other instances reach it there ({@link AdvertisedHost}: a
     * wildcard host is advertised as this machine's name).
     *
     * @throws IllegalStateException if the port is taken, or the host is beyond loopback and no token is set
     */
    public static QueryServer bind(String host, int port, ApiAccess access) {
        ApiHttpServer http = ApiHttpServer.bind(host, port, access);
        return new QueryServer(http, new HostInfo(http.advertisedHost(), http.port()), access);
    }

    /** This instance's address, as {@code application.server} must give it. */
    public HostInfo self() {
        return self;
    }

    public String url() {
        return "http://" + self.host() + ":" + self.port();
    }

    /** Starts answering, from {@code parts}. */
    public void start(ServerParts parts) {
        this.metrics = parts.metrics();
        ingest = new Ingest(parts.clientProperties(), parts.inputTopic(), parts.inputFormat(), parts.maxTextBytes());
        service = new QueryService(self, parts.streams(), parts.models(), parts.inputTopic(), ingest,
                access.token(), parts.clientProperties(), parts.metrics().queries());
        inspection = new ModelInspection(new ActiveEncoder(parts.models()), parts.generator());
        feed = LiveFeed.start(self, parts.topics(), parts.clientProperties(), parts.metrics().consoleFeed(), mapBasis);
        prompts = new Prompts(parts.clientProperties(), parts.topics().name("prompts"));
        map = new EmbeddingMap(self, parts, mapBasis, new PeerClient(access.token()));
        status = new ConsoleStatus(self, parts, new PeerClient(access.token()));
        modelsStatus = new ModelsStatus(PeerClient.address(self), parts.models(), parts.models().rate());
        server.start(this::handle);
    }

    private ApiReply handle(ApiRequest request) throws IOException, InterruptedException {
        try {
            return route(request);
        } catch (ModelMismatchException e) {
            throw new ApiException(409, "model_mismatch", e.getMessage());
        } catch (VectorStoreException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    /**
     * <pre>
     * GET  /                      the web console (its files: GET /console/{file}, GET /webjars/echarts/{file})
     * GET  /health                liveness: the status (starting, restoring, running, degraded, failed) and
     *                             why; 503 only when failed
     * GET  /ready                 readiness: the same body; 200 only when running
     * GET  /instances             every instance and its partitions
     * GET  /models                the active model, a re-embedding's progress (cluster-wide), kept and retiring
     *                             models ({@link ModelsStatus})
     * GET  /metrics               Prometheus' text format: the pipeline's, the JVM's and Kafka Streams' metrics
     * POST /search                {text | vector | id, k, metric, exact, ef, filters, includeVectors, stale, timeoutMs}
     * GET  /embeddings/{id}       one stored embedding (?stale=true to allow standby replicas)
     * POST /similarity            {a, b} -> cosine, euclidean, dot
     * POST /embed                 {text} -> its vector, not stored
     * POST /texts                 {id?, text, metadata?} or {texts: [...]} -> produced to the input topic in the
     *                             pipeline's input format; no id: the text's content id, as produce gives it
     * DELETE /texts/{id}          a tombstone for the id -> deleted from the store
     * GET  /feed                  the live feed, server-sent events (?kinds=embedding,delete,dead_letter,completion
     *                             &replay=0..200): what every instance embeds, deletes, dead-letters and completes
     * GET  /feed/stats            this instance's feed: subscribers, delivered, dropped, seen by kind
     * POST /prompts               {text, maxTokens?, temperature?, topK?, topP?, seed?, stop?, retrievalK?} -> produced
     *                             to the prompts topic (202); 503 no_generator when no generator reads it
     * POST /internal/search       another instance's fan-out: this instance's partitions only
     * GET  /internal/embeddings/{id}
     * POST /inspect/tokens        {text} -> the encoder's and the generator's tokens
     * POST /inspect/attention     {text, model?, maxTokens?} -> every layer's and head's attention weights
     * POST /inspect/next-token    {prompt, temperature?, topK?, topP?, top?} -> what sampling would draw from
     * GET  /map                   the embedding map: every vector on its principal plane (?color=KEY, refresh,
     *                             limit); POST /map/project {text | vector} -> {basis, x, y} ({@link EmbeddingMap})
     * POST /internal/map/sample, /internal/map/points   another instance's map: this instance's partitions
     * GET  /console/status        every instance: state, partitions, lag, the last 15 minutes of its meters
     * GET  /internal/console/status   this instance's part ({@link ConsoleStatus})
     * </pre>
     */
    private ApiReply route(ApiRequest request) throws IOException, InterruptedException {
        String path = request.rawPath();
        String method = request.method();
        switch (path) {
            case "/health" -> {
                request.requireMethod("GET");
                Health.Verdict verdict = service.verdict();
                return ApiReply.json(verdict.alive() ? 200 : 503, service.health(verdict));
            }
            case "/ready" -> {
                request.requireMethod("GET");
                Health.Verdict verdict = service.verdict();
                return ApiReply.json(verdict.ready() ? 200 : 503, service.health(verdict));
            }
            case "/models" -> {
                request.requireMethod("GET");
                return ApiReply.json(200, modelsStatus.write());
            }
            case "/instances" -> {
                request.requireMethod("GET");
                return ApiReply.json(200, service.instances());
            }
            case "/search" -> {
                return ApiReply.json(200, service.search(request.postBody()));
            }
            case "/similarity" -> {
                return ApiReply.json(200, service.similarity(request.postBody()));
            }
            case "/embed" -> {
                return ApiReply.json(200, service.embed(request.postBody()));
            }
            case "/texts" -> {
                return ApiReply.json(202, service.ingest(request.postBody()));
            }
            case "/feed" -> {
                return feed.subscribe(request);
            }
            case "/feed/stats" -> {
                return feed.stats(request);
            }
            case "/prompts" -> {
                return ApiReply.json(202, prompts.submit(request.postBody()));
            }
            case "/internal/search" -> {
                return ApiReply.json(200, service.internalSearch(request.postBody()));
            }
            case "/inspect/tokens" -> { return ApiReply.json(200, inspection.tokens(request.postBody())); }
            case "/inspect/attention" -> { return ApiReply.json(200, inspection.attention(request.postBody())); }
            case "/inspect/next-token" -> { return ApiReply.json(200, inspection.nextToken(request.postBody())); }
            case "/map", "/map/project", "/internal/map/sample", "/internal/map/points" -> { return map.handle(request); }
            case "/console/status", "/internal/console/status" -> { return status.handle(request); }
            case "/metrics" -> {
                request.requireMethod("GET");
                return new ApiReply(200, Metrics.CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8),
                        Map.of());
            }
            default -> {
                if (path.startsWith("/embeddings/")) {
                    request.requireMethod("GET");
                    return ApiReply.json(200, service.embedding(idAfter(path, "/embeddings/"), stale(request)));
                } else if (path.startsWith("/texts/")) {
                    request.requireMethod("DELETE");
                    return ApiReply.json(202, service.delete(idAfter(path, "/texts/")));
                } else if (path.startsWith("/internal/embeddings/")) {
                    request.requireMethod("GET");
                    return ApiReply.json(200, service.localEmbedding(idAfter(path, "/internal/embeddings/"),
                            stale(request)));
                } else if (ConsoleFiles.claims(path)) {
                    return console.reply(request);
                }
                throw ApiException.notFound("no such endpoint: " + method + " " + path
                        + "; see GET / for the web page and the README for the API");
            }
        }
    }

    private static boolean stale(ApiRequest request) {
        return "true".equals(request.queryParameter("stale"));
    }

    private static String idAfter(String rawPath, String prefix) {
        String id = ApiRequest.decode(rawPath.substring(prefix.length()).replace("+", "%2B"), "id");
        if (id.isEmpty()) {
            throw ApiException.badRequest("the id is missing: " + prefix + "{id}");
        }
        return id;
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close(); // first: the subscribers' responses end cleanly before the server stops
        }
        server.close();
        if (prompts != null) {
            prompts.close();
        }
        if (service != null) {
            service.close();
        }
        if (ingest != null) {
            ingest.close();
        }
    }
}
