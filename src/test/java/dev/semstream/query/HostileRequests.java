package dev.semstream.query;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * The requests a hostile or broken client sends, made from a seed so a failure names a request that can be
 * made again: truncated and deeply nested JSON, wrong types, huge, infinite and NaN vectors, path tricks,
 * lying and oversized headers, unknown methods, bodies cut short, invalid UTF-8. Every tenth request is a
 * well-formed one, so the fuzz also checks that good calls keep working while the bad ones arrive.
 */
final class HostileRequests {
    /** One request: what it is (for the report), its bytes, and whether the client gives up halfway. */
    record Hostile(String kind, byte[] bytes, boolean halfClose) {
        /** A request the client finished sending: it must be answered, not just closed. */
        boolean complete() {
            return !halfClose;
        }

        /** A HEAD request, whose answer has no body. */
        boolean head() {
            return new String(bytes, 0, Math.min(5, bytes.length), StandardCharsets.ISO_8859_1).equals("HEAD ");
        }
    }

    static final int DIMENSION = 384;
    private static final String GOOD_SEARCH = "{\"text\":\"attention with query, key and value\",\"k\":5,\"metric\":\"cosine\"}";
    private static final List<String> WRONG_TYPES = List.of(
            "{\"text\":5}", "{\"text\":null}", "{\"text\":[\"a\"]}", "{\"vector\":\"abc\"}", "{\"vector\":{}}",
            "{\"vector\":[\"1\",\"2\"]}", "{\"vector\":[true]}", "{\"text\":\"x\",\"k\":\"ten\"}",
            "{\"text\":\"x\",\"k\":-1}", "{\"text\":\"x\",\"k\":0}", "{\"text\":\"x\",\"k\":1e12}",
            "{\"text\":\"x\",\"k\":2.5}", "{\"text\":\"x\",\"metric\":7}", "{\"text\":\"x\",\"metric\":\"manhattan\"}",
            "{\"text\":\"x\",\"filters\":\"colour=red\"}", "{\"text\":\"x\",\"filters\":{\"a\":{\"b\":1}}}",
            "{\"text\":\"x\",\"ef\":-5}", "{\"text\":\"x\",\"timeoutMs\":-1}", "{\"text\":\"x\",\"timeoutMs\":1e300}",
            "{\"text\":\"x\",\"exact\":\"yes\"}", "{\"id\":12}", "{}", "[]", "null", "\"text\"", "42", "",
            "{\"text\":\"x\",\"vector\":[1]}", "{\"texts\":5}", "{\"texts\":[5]}", "{\"texts\":[{}]}",
            "{\"texts\":[{\"text\":null}]}", "{\"id\":\"\",\"text\":\"x\"}", "{\"a\":\"x\"}", "{\"a\":\"x\",\"b\":7}",
            "{\"text\":\"x\",\"metadata\":[1]}", "{\"text\":\"x\",\"metadata\":{\"k\":{\"n\":1}}}");
    private static final List<String> POST_PATHS = List.of("/search", "/texts", "/embed", "/similarity",
            "/internal/search");
    private static final List<String> TRICK_PATHS = List.of("/../search", "//search", "/search/", "/./health",
            "/embeddings/%2e%2e%2fsearch", "/embeddings/%zz", "/embeddings/x?stale=%zz", "/embeddings/x?stale",
            "/embeddings/", "/texts/%00", "/%00", "/index.html/..", "/health?x=%", "/health?%%%%=&&&",
            "/embeddings/%C0%AF", "/embeddings/%ff%fe", "/internal/embeddings/", "/internal/embeddings/%",
            "/no/such/route", "/HEALTH", "/health;jsessionid=1", "/embeddings/x#frag", "*",
            "http://evil.example/health", "/embeddings/" + "a".repeat(6_000), "/" + "%2f".repeat(2_000));

    private final String host;

    HostileRequests(String hostAndPort) {
        this.host = hostAndPort;
    }

    Hostile make(long seed) {
        Random rnd = new Random(seed);
        int kind = (int) Math.floorMod(seed, 15L);
        return switch (kind) {
            case 0 -> post("truncated JSON", pick(rnd, POST_PATHS), GOOD_SEARCH.substring(0, rnd.nextInt(GOOD_SEARCH.length())));
            case 1 -> post("nested arrays", "/search", "{\"vector\":" + "[".repeat(depth(rnd)) + "]".repeat(depth(rnd)) + "}");
            case 2 -> post("nested objects", pick(rnd, POST_PATHS), "{\"filters\":" + "{\"a\":".repeat(depth(rnd)) + "1"
                    + "}".repeat(depth(rnd)) + "}");
            case 3 -> post("wrong types", pick(rnd, POST_PATHS), pick(rnd, WRONG_TYPES));
            case 4 -> post("huge vector", "/search", vectorSearch(rnd, pick(rnd, List.of("1e20", "1e38", "-3.4e38",
                    "3.4028235e38", "1e-45", "0")), rnd));
            case 5 -> post("non-finite vector", pick(rnd, List.of("/search", "/similarity")), vectorSearch(rnd,
                    pick(rnd, List.of("NaN", "\"NaN\"", "Infinity", "-Infinity", "1e400", "-1e400", "null")), rnd));
            case 6 -> post("wrong dimension", "/search", vectorOf(pick(rnd, List.of(0, 1, 383, 385, 20_000)), "0.5"));
            case 7 -> request("path trick", pick(rnd, List.of("GET", "POST", "DELETE")), pick(rnd, TRICK_PATHS),
                    List.of(), rnd.nextBoolean() ? "{}" : null);
            case 8 -> headerTrick(rnd);
            case 9 -> request("wrong method", pick(rnd, List.of("PUT", "PATCH", "FOO", "DELETE", "TRACE", "HEAD",
                    "OPTIONS", "CONNECT")), pick(rnd, List.of("/search", "/health", "/texts", "/", "/instances")),
                    List.of(), null);
            case 10 -> good(rnd, seed);
            case 11 -> halfOpen(rnd);
            case 12 -> invalidUtf8(rnd);
            case 13 -> post("wrong content type", "/search", GOOD_SEARCH, pick(rnd, List.of("text/plain",
                    "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1")));
            default -> post("bad JSON", pick(rnd, POST_PATHS), pick(rnd, List.of("{\"text\":\"x\"", "{'text':'x'}",
                    "{\"text\":\"x\",}", "{\"text\" \"x\"}", "{\"text\":\"\\u12\"}", "{\"text\":\"x\"}{\"text\":\"y\"}",
                    "{\"text\":\"x\"} trailing", "\u0000\u0001\u0002", "{\"text\":\"" + "\\".repeat(7) + "\"}")));
        };
    }

    /** A request that must succeed: health, a search by text, a small ingest. */
    private Hostile good(Random rnd, long seed) {
        return switch (rnd.nextInt(3)) {
            case 0 -> request("good health", "GET", "/health", List.of(), null);
            case 1 -> post("good search", "/search", GOOD_SEARCH);
            default -> post("good ingest", "/texts", "{\"id\":\"fuzz-" + seed + "\",\"text\":\"temperature scales the "
                    + "logits before softmax " + seed + "\",\"metadata\":{\"source\":\"fuzz\"}}");
        };
    }

    private Hostile headerTrick(Random rnd) {
        String body = GOOD_SEARCH;
        return switch (rnd.nextInt(9)) {
            case 0 -> raw("header: Content-Length abc", "POST /search HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Length: abc\r\nConnection: close\r\n\r\n" + body, false);
            case 1 -> raw("header: negative Content-Length", "POST /search HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Length: -5\r\nConnection: close\r\n\r\n" + body, false);
            case 2 -> raw("header: two Content-Lengths", "POST /search HTTP/1.1\r\nHost: " + host
                    + "\r\nContent-Length: 3\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body, false);
            case 3 -> raw("header: bad chunk", "POST /search HTTP/1.1\r\nHost: " + host
                    + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n" + body + "\r\n0\r\n\r\n", false);
            case 4 -> raw("header: 64 KiB header", "GET /health HTTP/1.1\r\nHost: " + host + "\r\nX-Big: "
                    + "b".repeat(64 * 1024) + "\r\nConnection: close\r\n\r\n", false);
            case 5 -> raw("header: 2,000 headers", "GET /health HTTP/1.1\r\nHost: " + host + "\r\n"
                    + "X-H: v\r\n".repeat(2_000) + "Connection: close\r\n\r\n", false);
            case 6 -> raw("header: no Host", "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n", false);
            case 7 -> raw("request line: garbage", pick(rnd, List.of("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\r\n\r\n",
                    "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET /health HTTP/1.1 extra\r\n\r\n",
                    "G\u00e9T /health HTTP/1.1\r\n\r\n", " / HTTP/1.1\r\n\r\n")), false);
            default -> raw("header: obs-fold and bad name", "GET /health HTTP/1.1\r\nHost: " + host
                    + "\r\nX-A: a\r\n folded\r\nBad Name: x\r\nConnection: close\r\n\r\n", false);
        };
    }

    /** The client says how much it will send, sends less, and gives up: the server sees the end of the stream. */
    private Hostile halfOpen(Random rnd) {
        String head = "POST /search HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\nContent-Length: "
                + (GOOD_SEARCH.length() + 100) + "\r\n\r\n";
        String sent = rnd.nextBoolean() ? head + GOOD_SEARCH : head.substring(0, rnd.nextInt(head.length()));
        return raw("half-open", sent, true);
    }

    private Hostile invalidUtf8(Random rnd) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"text\":\"".getBytes(StandardCharsets.UTF_8));
        byte[][] bad = {{(byte) 0xff, (byte) 0xfe}, {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
                {(byte) 0xe2, (byte) 0x82}, {(byte) 0x80}};
        b.writeBytes(bad[rnd.nextInt(bad.length)]);
        b.writeBytes("\"}".getBytes(StandardCharsets.UTF_8));
        return request("invalid UTF-8", "POST", pick(rnd, List.of("/search", "/texts", "/embed")),
                List.of("Content-Type: application/json"), b.toByteArray());
    }

    private static String vectorSearch(Random rnd, String value, Random r) {
        String metric = pick(r, List.of("cosine", "euclidean", "dot"));
        StringBuilder v = new StringBuilder("{\"vector\":[");
        for (int i = 0; i < DIMENSION; i++) {
            v.append(i == 0 ? "" : ",").append(rnd.nextInt(4) == 0 ? "0.25" : value);
        }
        return v.append("],\"k\":5,\"metric\":\"").append(metric).append("\",\"exact\":").append(r.nextBoolean())
                .append("}").toString();
    }

    private static String vectorOf(int n, String value) {
        StringBuilder v = new StringBuilder("{\"vector\":[");
        for (int i = 0; i < n; i++) {
            v.append(i == 0 ? "" : ",").append(value);
        }
        return v.append("]}").toString();
    }

    /** Nesting deep enough to overflow a recursive parser's stack, small enough to stay under the body limit. */
    private static int depth(Random rnd) {
        return 500 + rnd.nextInt(50_000);
    }

    private Hostile post(String kind, String path, String body) {
        return post(kind, path, body, "application/json");
    }

    private Hostile post(String kind, String path, String body, String contentType) {
        return request(kind, "POST", path, List.of("Content-Type: " + contentType), body);
    }

    private Hostile request(String kind, String method, String path, List<String> headers, Object body) {
        byte[] bytes = body == null ? new byte[0]
                : body instanceof byte[] b ? b : ((String) body).getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                .append(host).append("\r\nConnection: close\r\n");
        headers.forEach(h -> head.append(h).append("\r\n"));
        if (body != null) {
            head.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(bytes);
        return new Hostile(kind, out.toByteArray(), false);
    }

    private static Hostile raw(String kind, String bytes, boolean halfClose) {
        return new Hostile(kind, bytes.getBytes(StandardCharsets.ISO_8859_1), halfClose);
    }

    private static <T> T pick(Random rnd, List<T> choices) {
        return choices.get(rnd.nextInt(choices.size()));
    }
}
