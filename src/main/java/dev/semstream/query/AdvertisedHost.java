package dev.semstream.query;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Set;

/**
 * The host other instances reach this one by, given the host it listens on. A named host or address is its
 * own answer; a wildcard (0.0.0.0, ::) listens everywhere but names nothing another instance could dial,
 * so this machine's host name stands in for it: in a container, the container's own name, which differs
 * for every replica of a scaled service.
 */
public final class AdvertisedHost {
    private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0");

    private AdvertisedHost() {
    }

    public static String of(String bindHost) {
        if (!WILDCARDS.contains(bindHost)) {
            return bindHost;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("listening on " + bindHost + " needs this machine's host name to tell "
                    + "other instances, and it does not resolve (" + e.getMessage() + "); pass --http-host NAME", e);
        }
    }
}
