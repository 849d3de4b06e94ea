package dev.semstream.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the fixed ports a start needs are free, checked before anything starts: a taken port then fails in a
 * moment, naming the port and the flag that moves it, instead of after the broker and the registry are up.
 * Another program can still take a port between the check and the bind; the bind's own error covers that.
 */
public final class PortCheck {

    /** A port a part will listen on: 0 (any free one) is never checked. */
    public record Wanted(String what, String host, int port, String flag) {
    }

    private PortCheck() {
    }

    /** @throws PortInUseException naming every taken port and its flag */
    public static void requireFree(List<Wanted> ports) {
        List<String> taken = new ArrayList<>();
        for (Wanted w : ports) {
            if (w.port() == 0) continue;
            try (ServerSocket probe = new ServerSocket()) {
                probe.bind(new InetSocketAddress(w.host(), w.port()), 1);
            } catch (IOException e) {
                taken.add("port " + w.port() + " on " + w.host() + " (" + w.what() + ") is in use (" + e.getMessage()
                        + "); choose another with " + w.flag() + " PORT, or " + w.flag() + " 0 for any free port");
            }
        }
        if (!taken.isEmpty()) {
            throw new PortInUseException(String.join("\n", taken));
        }
    }

    /** A fixed port that another program holds. */
    public static final class PortInUseException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
