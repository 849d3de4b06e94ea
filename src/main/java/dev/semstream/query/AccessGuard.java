package dev.semstream.query;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies {@link ApiAccess} to each request before it is routed. A browser lets any page it shows send a
 * "simple" POST (a {@code text/plain} form) to any address, and lets a page whose DNS name was rebound to
 * 127.0.0.1 read the answers; the checks here close both: a write whose {@code Origin} is neither this
 * API's own nor allowed is refused, and so is any request whose {@code Host} is a name this API does not
 * go by. The CORS headers go only to allowed origins.
 */
final class AccessGuard {
    /** Paths a probe needs without a token: liveness and readiness; the console's static files are open too. */
    private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready");
    /** The cookie the web console keeps the API token in (see {@link #cookieTokenMatches}). */
    static final String TOKEN_COOKIE = "semstream_token";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final ApiAccess access;
    private final String advertisedHost;
    private final String ownHost;
    private final boolean tokenForEverything;
    private final byte[] token;

    /**
     * @param bindHost the host the API listens on; it answers to the name it advertises for it
     *                 ({@link AdvertisedHost}: a wildcard's is this machine's name). Beyond loopback every
     *                 request but the open paths needs the token.
     */
    AccessGuard(ApiAccess access, String bindHost) {
        boolean loopback = ApiAccess.isLoopback(bindHost);
        if (!loopback) {
            access.requireTokenBeyondLoopback(bindHost);
        }
        this.access = access;
        this.advertisedHost = AdvertisedHost.of(bindHost);
        this.ownHost = advertisedHost.toLowerCase(Locale.ROOT);
        this.tokenForEverything = !loopback;
        this.token = access.token() == null ? null : access.token().getBytes(StandardCharsets.UTF_8);
    }

    /** The name other instances reach this one by, which it answers to. */
    String advertisedHost() {
        return advertisedHost;
    }

    /** What a request carries that the checks read. Header values are null when absent. */
    record Call(String method, String path, String host, String origin, String authorization,
                String preflightMethod, String cookie) {
        /** A call without cookies (other instances, curl, tests). */
        Call(String method, String path, String host, String origin, String authorization, String preflightMethod) {
            this(method, path, host, origin, authorization, preflightMethod, null);
        }
    }

    /**
     * Checks a request.
     *
     * @return the response headers it gets (CORS for an allowed origin)
     * @throws ApiException 403 for a foreign host or a cross-site write, 401 without the token it needs
     */
    Map<String, String> check(Call call) {
        checkHost(call.host());
        Map<String, String> headers = new LinkedHashMap<>();
        String origin = call.origin() == null ? null : call.origin().strip().toLowerCase(Locale.ROOT);
        boolean allowedCrossOrigin = origin != null && access.corsOrigins().contains(origin);
        if (allowedCrossOrigin) {
            headers.put("Access-Control-Allow-Origin", call.origin().strip());
            headers.put("Vary", "Origin");
        }
        if (origin != null && !allowedCrossOrigin && !sameOrigin(origin, call.host()) && !isRead(call.method())) {
            throw ApiException.forbidden("cross-site " + call.method() + " from origin " + call.origin()
                    + " refused; allow the origin with --cors-origins (or " + ApiAccess.CORS_VARIABLE + ")");
        }
        if (needsToken(call) && !tokenMatches(call.authorization()) && !cookieTokenMatches(call.cookie())) {
            throw ApiException.unauthorized(call.authorization() == null && !offersCookieToken(call.cookie())
                    ? "this request needs the API token: send the header 'Authorization: Bearer TOKEN'"
                    : "the API token is wrong");
        }
        return headers;
    }

    /**
     * Whether the request is a CORS preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}).
     * It is answered here, without a route: allowed origins get the methods and headers they may use.
     */
    static boolean isPreflight(Call call) {
        return "OPTIONS".equals(call.method()) && call.origin() != null && call.preflightMethod() != null;
    }

    /** The headers of the answer to a preflight; 403 for an origin not allowed. */
    Map<String, String> preflight(Call call) {
        checkHost(call.host());
        String origin = call.origin().strip().toLowerCase(Locale.ROOT);
        if (!access.corsOrigins().contains(origin)) {
            throw ApiException.forbidden("origin " + call.origin() + " may not call this API; allow it with "
                    + "--cors-origins (or " + ApiAccess.CORS_VARIABLE + ")");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Access-Control-Allow-Origin", call.origin().strip());
        headers.put("Access-Control-Allow-Methods", "GET, POST, DELETE");
        headers.put("Access-Control-Allow-Headers", "Content-Type, Authorization");
        headers.put("Access-Control-Max-Age", "600");
        headers.put("Vary", "Origin");
        return headers;
    }

    private void checkHost(String hostHeader) {
        if (hostHeader == null) {
            return; // HTTP/1.0 without Host: no browser sends that, so it cannot be a rebound page
        }
        String name = hostName(hostHeader);
        if (name.equals(ownHost) || name.equals("localhost") || name.startsWith("[") || IPV4.matcher(name).matches()
                || access.allowedHosts().contains(name)) {
            return;
        }
        throw ApiException.forbidden("this API does not answer to host '" + name + "' (a guard against DNS "
                + "rebinding); add the name with --allowed-hosts (or " + ApiAccess.HOSTS_VARIABLE + ")");
    }

    /** The name in a Host header, without its port, lower case; IPv6 literals keep their brackets. */
    static String hostName(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static boolean sameOrigin(String origin, String hostHeader) {
        return hostHeader != null && origin.equals("http://" + hostHeader.strip().toLowerCase(Locale.ROOT));
    }

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    private boolean needsToken(Call call) {
        if (token == null || OPEN_PATHS.contains(call.path()) || ConsoleFiles.isFile(call.path())) {
            return false;
        }
        return tokenForEverything || isWrite(call);
    }

    /**
     * Changes the store or asks for work: texts posted, prompts sent, anything deleted or put. Searches are
     * POSTs that change nothing.
     */
    private static boolean isWrite(Call call) {
        return switch (call.method()) {
            case "DELETE", "PUT", "PATCH" -> true;
            case "POST" -> call.path().equals("/texts") || call.path().equals("/prompts");
            default -> false;
        };
    }

    private boolean tokenMatches(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return matches(authorization.substring(7).strip());
    }

    /**
     * The web console's way to carry the token: a browser's EventSource cannot send an Authorization header,
     * so the page keeps the token the user typed in a {@value #TOKEN_COOKIE} cookie, which the browser sends
     * with every same-site request (it is set SameSite=Strict, so a page of another site never sends it, and
     * the Origin check above refuses cross-site writes anyway).
     */
    private boolean cookieTokenMatches(String cookieHeader) {
        if (cookieHeader == null) {
            return false;
        }
        for (String pair : cookieHeader.split(";")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).strip().equals(TOKEN_COOKIE)) {
                String value;
                try {
                    value = URLDecoder.decode(pair.substring(eq + 1).strip(), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    return false;
                }
                if (matches(value)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean offersCookieToken(String cookieHeader) {
        return cookieHeader != null && cookieHeader.contains(TOKEN_COOKIE + "=");
    }

    private boolean matches(String given) {
        // constant time: no token guessing by timing
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token);
    }
}
