package dev.semstream.query;

import dev.semstream.avro.TextEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A posted text longer than the embedder takes is refused with a 413 and nothing sent; it used to be
 * accepted (202) and then dead-lettered as TEXT_TOO_LARGE, which the client never heard of.
 */
class IngestTextLimitTest {
    @Test
    void aTextOverTheLimitIsA413NamingItAndTheLimit() {
        // 'é' is two UTF-8 bytes: the limit counts bytes, not characters.
        List<TextEvent> events = List.of(event("short", "fits"), event("long", "é".repeat(6)));
        ApiException refused = assertThrows(ApiException.class, () -> Ingest.requireWithinLimit(events, 11));
        assertEquals(413, refused.status());
        assertTrue(refused.getMessage().contains("'long'") && refused.getMessage().contains("12 UTF-8 bytes")
                && refused.getMessage().contains("at most 11"), refused.getMessage());
        assertDoesNotThrow(() -> Ingest.requireWithinLimit(events, 12));
    }

    private static TextEvent event(String id, String text) {
        return TextEvent.newBuilder().setId(id).setText(text).setMetadata(Map.of()).setEventTime(Instant.now()).build();
    }
}
