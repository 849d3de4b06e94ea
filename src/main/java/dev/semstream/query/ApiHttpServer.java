package dev.semstream.query;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The HTTP server under the API (Jetty 12, its core handler API): one connector with bounded threads,
 * connections, header size and idle time, the {@link AccessGuard} in front of every route, and every
 * error, its own or Jetty's, in the JSON error contract.
 *
 * <p>Jetty reads requests on its selector and hands one to a thread only once its headers are in, so
 * clients that send half a request line hold a connection (until the idle timeout) but no thread. The
 * same server can carry server-sent events (a handler that keeps its response open) or WebSocket
 * (jetty-websocket-jetty-server on this core API).
 */
final class ApiHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHttpServer.class);
    /** A connection that sends or receives nothing for this long is closed: a stalled client frees its slot. */
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Request line and headers together; a search sends a few hundred bytes of them. */
    static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Open connections at once; past it, Jetty stops accepting until one closes. */
    static final int MAX_CONNECTIONS = 512;
    /** Threads that run routes; a fan-out waits up to its timeout on a peer, so a few dozen. */
    static final int MAX_THREADS = 48;
    /** Below this a request body is too slow to be a client and its connection is closed (bytes/s). */
    static final long MIN_REQUEST_DATA_RATE = 1024;

    /** What the API does with a request once the guard let it through. */
    interface Routes {
        ApiReply handle(ApiRequest request) throws Exception;
    }

    private final Server server;
    private final ServerConnector connector;
    private final AccessGuard guard;

    private ApiHttpServer(Server server, ServerConnector connector, AccessGuard guard) {
        this.server = server;
        this.connector = connector;
        this.guard = guard;
    }

    /** Takes the port now (0: any free one); answers nothing until {@link #start}. */
    static ApiHttpServer bind(String host, int port, ApiAccess access) {
        AccessGuard guard = new AccessGuard(access, host);
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("semstream-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setRequestHeaderSize(MAX_HEADER_BYTES);
        config.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        config.setMinRequestDataRate(MIN_REQUEST_DATA_RATE);
        // Ids are percent-decoded by the routes from the raw path, so an id with a slash or a percent sign
        // (docs%2Fa.md, 100%25) is not ambiguous here; Jetty's default would refuse it with a 400.
        config.setUriCompliance(UriCompliance.DEFAULT.with("semstream-ids",
                UriCompliance.Violation.AMBIGUOUS_PATH_SEPARATOR, UriCompliance.Violation.AMBIGUOUS_PATH_ENCODING));
        // One acceptor and one selector: two cores, and Jetty's selector serves thousands of connections.
        ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(host);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        // Jetty's default already; said here because without it a fan-out's two calls wait 40 ms each on
        // delayed ACKs (the JDK server needed sun.net.httpserver.nodelay for the same).
        connector.setAcceptedTcpNoDelay(true);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setErrorHandler(new JsonErrorHandler());
        try {
            connector.open();
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        return new ApiHttpServer(server, connector, guard);
    }

    int port() {
        return connector.getLocalPort();
    }

    /** The host other instances reach this server by ({@link AdvertisedHost}), the one its Host check admits. */
    String advertisedHost() {
        return guard.advertisedHost();
    }

    void start(Routes routes) {
        server.setHandler(new GuardedRoutes(guard, routes));
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP API: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP API failed", e);
        }
        // A server bound but never started (a start that failed between the two) has nothing to stop,
        // and would keep its port.
        connector.close();
    }

    /** The guard, then the route; whatever is thrown becomes a JSON error. */
    private static final class GuardedRoutes extends Handler.Abstract {
        private final AccessGuard guard;
        private final Routes routes;

        GuardedRoutes(AccessGuard guard, Routes routes) {
            this.guard = guard;
            this.routes = routes;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            HttpFields h = request.getHeaders();
            AccessGuard.Call call = new AccessGuard.Call(request.getMethod(), request.getHttpURI().getPath(),
                    h.get(HttpHeader.HOST), h.get(HttpHeader.ORIGIN), h.get(HttpHeader.AUTHORIZATION),
                    h.get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD), cookies(h));
            Map<String, String> accessHeaders = Map.of();
            ApiReply reply;
            try {
                if (AccessGuard.isPreflight(call)) {
                    reply = new ApiReply(204, null, new byte[0], guard.preflight(call));
                } else {
                    accessHeaders = guard.check(call);
                    reply = routes.handle(new ApiRequest(request));
                }
            } catch (ApiException e) {
                reply = ApiReply.error(e);
            } catch (Exception e) {
                LOG.warn("{} {} failed", call.method(), call.path(), e);
                reply = ApiReply.error(500, "internal", e.toString(), Map.of());
            }
            write(response, reply, accessHeaders, callback);
            return true;
        }

        /** Every Cookie header's pairs as one header value; null without any. */
        private static String cookies(HttpFields headers) {
            List<String> values = headers.getValuesList(HttpHeader.COOKIE);
            return values.isEmpty() ? null : String.join("; ", values);
        }

        private static void write(Response response, ApiReply reply, Map<String, String> accessHeaders,
                                  Callback callback) {
            response.setStatus(reply.status());
            HttpFields.Mutable headers = response.getHeaders();
            if (reply.contentType() != null) {
                headers.put(HttpHeader.CONTENT_TYPE, reply.contentType());
            }
            headers.put(HttpHeader.CACHE_CONTROL, "no-store");
            headers.put("X-Content-Type-Options", "nosniff");
            accessHeaders.forEach(headers::put);
            reply.headers().forEach(headers::put);
            if (reply.stream() != null) {
                reply.stream().open(response, callback);
            } else {
                response.write(true, ByteBuffer.wrap(reply.body()), callback);
            }
        }
    }
}
