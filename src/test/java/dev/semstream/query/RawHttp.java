package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
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

    /** Sends {@code request} as is (it must end its headers) and reads the answer, 10 s at most. */
    static Answer send(String baseUrl, String request) throws IOException {
        URI uri = URI.create(baseUrl);
        Attempt a = attempt(new InetSocketAddress(uri.getHost(), uri.getPort()),
                request.getBytes(StandardCharsets.UTF_8), false, 10_000);
        if (a.outcome() != Outcome.ANSWERED) {
            throw new AssertionError("no answer (" + a.outcome() + ") to: " + request.lines().findFirst().orElse(""));
        }
        return a.answer();
    }

    /** How one attempt ended. */
    enum Outcome {
        /** A whole answer arrived. */
        ANSWERED,
        /** The server closed the connection before any answer (fair only for a request cut short). */
        CLOSED,
        /** Neither an answer nor a close within the read timeout: a hang. */
        HUNG
    }

    /** One request's outcome, its answer when there was one, and how long it took. */
    record Attempt(Outcome outcome, Answer answer, long millis) {
    }

    /**
     * Sends {@code request}, then (when {@code halfClose}) shuts the output down as a client that gives up
     * mid-request does, and reads one answer: by its {@code Content-Length}, chunked, or to the close, so a
     * connection the server keeps open after answering is not mistaken for a hang.
     */
    static Attempt attempt(InetSocketAddress server, byte[] request, boolean halfClose, int readTimeoutMs)
            throws IOException {
        long start = System.nanoTime();
        boolean head = new String(request, 0, Math.min(5, request.length), StandardCharsets.ISO_8859_1).equals("HEAD ");
        try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            socket.setSoTimeout(readTimeoutMs);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may refuse a request (413, 431) and close before the client has written all
                // of it; what it answered is still there to read.
            }
            try {
                Answer answer = read(socket.getInputStream(), head);
                return new Attempt(answer == null ? Outcome.CLOSED : Outcome.ANSWERED, answer, millisSince(start));
            } catch (SocketTimeoutException e) {
                return new Attempt(Outcome.HUNG, null, millisSince(start));
            } catch (SocketException e) {
                return new Attempt(Outcome.CLOSED, null, millisSince(start)); // reset before an answer
            }
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

    /** One answer, or null when the stream ends before its status line. */
    private static Answer read(InputStream in, boolean toHead) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            return null;
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP status line: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        Map<String, String> headers = new TreeMap<>();
        for (String h; (h = line(in)) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            if (colon > 0) {
                headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
        }
        byte[] body;
        if (toHead || status == 204 || status == 304 || status / 100 == 1) {
            body = new byte[0];
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(in);
        } else {
            body = in.readAllBytes();
        }
        return new Answer(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static byte[] unchunk(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new IOException("the chunked body ended early");
            }
            int n = Integer.parseInt(size.split(";", 2)[0].strip(), 16);
            if (n == 0) {
                for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                    // the API sends no trailers; read past any to the end of the answer
                }
                return out.toByteArray();
            }
            out.write(in.readNBytes(n));
            line(in);
        }
    }

    /** One CRLF-terminated line, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) >= 0; ) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
