package dev.semstream.query;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may use the HTTP API: the bearer token writes need (and every request, when the API listens beyond
 * loopback), the web origins allowed to call it from a browser (CORS), and the host names it answers to
 * besides its own, {@code localhost} and IP literals (a guard against DNS rebinding).
 *
 * @param token        the bearer token, or null for none
 * @param corsOrigins  origins such as {@code http://localhost:3000}, lower case, without a trailing slash
 * @param allowedHosts host names, lower case
 */
public record ApiAccess(String token, Set<String> corsOrigins, Set<String> allowedHosts) {
    public static final String TOKEN_VARIABLE = "SEMSTREAM_API_TOKEN";
    public static final String CORS_VARIABLE = "SEMSTREAM_CORS_ORIGINS";
    public static final String HOSTS_VARIABLE = "SEMSTREAM_ALLOWED_HOSTS";

    public ApiAccess {
        token = token == null || token.isBlank() ? null : token.strip();
        corsOrigins = corsOrigins.stream().map(ApiAccess::origin).collect(Collectors.toUnmodifiableSet());
        allowedHosts = allowedHosts.stream().map(h -> h.strip().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** No token, no cross-origin callers, no extra host names: the loopback default. */
    public static ApiAccess loopbackDefault() {
        return new ApiAccess(null, Set.of(), Set.of());
    }

    /**
     * From flags, each falling back to its environment variable when null.
     *
     * @param corsOrigins  comma-separated origins
     * @param allowedHosts comma-separated host names
     */
    public static ApiAccess of(String token, String corsOrigins, String allowedHosts, Map<String, String> environment) {
        return new ApiAccess(token != null ? token : environment.get(TOKEN_VARIABLE),
                list(corsOrigins != null ? corsOrigins : environment.get(CORS_VARIABLE)),
                list(allowedHosts != null ? allowedHosts : environment.get(HOSTS_VARIABLE)));
    }

    /**
     * Refuses an API beyond loopback without a token: anyone who can reach the port could then write and
     * delete. Refused rather than given a generated token, because instances must share one and clients
     * must know it: a token made up at each start would change under them on every restart.
     *
     * @throws IllegalStateException saying which flag to give
     */
    public void requireTokenBeyondLoopback(String host) {
        if (token == null && !isLoopback(host)) {
            throw new IllegalStateException("the HTTP API would listen on " + host + ", beyond this machine, "
                    + "without a token: give --api-token TOKEN (or set " + TOKEN_VARIABLE
                    + "), or keep --http-host on localhost");
        }
    }

    /** Whether {@code host} names only this machine; a name that does not resolve counts as not. */
    public static boolean isLoopback(String host) {
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    public ApiAccess withToken(String newToken) {
        return new ApiAccess(newToken, corsOrigins, allowedHosts);
    }

    private static Set<String> list(String csv) {
        return csv == null ? Set.of() : Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** An origin as browsers send it: scheme://host[:port], lower case, no path. */
    private static String origin(String o) {
        String s = o.strip().toLowerCase(Locale.ROOT);
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public String toString() {
        // Never print the token.
        return "ApiAccess[token=" + (token == null ? "none" : "set") + ", corsOrigins=" + corsOrigins
                + ", allowedHosts=" + allowedHosts + "]";
    }
}
