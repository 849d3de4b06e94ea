package dev.semstream.query;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * An instance that listens on every interface (the compose stack's replicas) must not tell the others to
 * dial 0.0.0.0, which each would take for itself: it advertises this machine's host name.
 */
class WildcardBindTest {
    @Test
    void aWildcardBindAdvertisesThisMachinesHostName() throws Exception {
        try (QueryServer server = QueryServer.bind("0.0.0.0", 0, new ApiAccess("t0ken", Set.of(), Set.of()))) {
            assertEquals(InetAddress.getLocalHost().getHostName(), server.self().host());
            assertFalse(server.url().contains("0.0.0.0"), server.url());
        }
    }

    @Test
    void aNamedHostIsAdvertisedAsGiven() {
        try (QueryServer server = QueryServer.bind("127.0.0.1", 0)) {
            assertEquals("127.0.0.1", server.self().host());
        }
    }
}
