package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Requests written byte for byte to a socket, for what a well-behaved client cannot send: malformed
 * request lines and headers, any Host and Origin. Each request asks the server to close the connection,
 * so the answer is everything read until then.
 */
final class RawHttp {
    /** Status, headers (names lower case) and body of one answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        JsonNode json() throws IOException {
            return HttpJson.MAPPER.readTree(body);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {
    }

    /** Connections that sent the start of a request line and then nothing: slow-loris clients. */
    static final class Stalled implements AutoCloseable {
        private final List<Socket> sockets = new ArrayList<>();

        @Override
        public void close() throws IOException {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    /** Opens {@code count} connections that each send {@code GET /health HTTP/1.1} and stop there. */
    static Stalled halfSentRequestLines(String baseUrl, int count) throws IOException {
        URI uri = URI.create(baseUrl);
        Stalled stalled = new Stalled();
        for (int i = 0; i < count; i++) {
            Socket s = new Socket(uri.getHost(), uri.getPort());
            stalled.sockets.add(s);
            s.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        }
        return stalled;
    }

    /** Sends {@code request} as is (it must end its headers) and reads the whole answer, 10 s at most. */
    static Answer send(String baseUrl, String request) throws IOException {
        URI uri = URI.create(baseUrl);
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return parse(readAll(socket.getInputStream()));
        }
    }

    /** A request with the given method, target, extra header lines and body; Host is the server's own. */
    static Answer request(String baseUrl, String method, String target, String headers, String body)
            throws IOException {
        URI uri = URI.create(baseUrl);
        String host = headers.toLowerCase(Locale.ROOT).matches("(?s)(.*\r\n)?host:.*") ? ""
                : "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n";
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String length = body.isEmpty() && !method.equals("POST") ? "" : "Content-Length: " + content.length + "\r\n";
        return send(baseUrl, method + " " + target + " HTTP/1.1\r\n" + host + headers + length
                + "Connection: close\r\n\r\n" + body);
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Answer parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no complete answer: " + raw);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        String body = raw.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(status, headers, body);
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int nl = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, nl).strip(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, nl + 2, nl + 2 + size);
            at = nl + 2 + size + 2;
        }
    }
}
