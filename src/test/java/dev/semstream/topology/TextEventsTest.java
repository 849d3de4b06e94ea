package dev.semstream.topology;

import dev.semstream.avro.TextEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The id rule for a text sent without an id, and the clock of a new event. */
class TextEventsTest {
    @Test
    void aTextWithoutAnIdGetsTheFirstSixteenHexDigitsOfItsSha256() {
        // printf '%s' 'Tokens become vectors.' | sha256sum: the rule as users can check it.
        assertEquals("33b7ed2c318fd80b", TextEvents.stableId("Tokens become vectors."));
        assertEquals("33b7ed2c318fd80b", TextEvents.of(null, "Tokens become vectors.", Map.of()).getId());
        assertEquals("doc-1", TextEvents.of("doc-1", "Tokens become vectors.", Map.of()).getId());
    }

    @Test
    void theEventTimeIsNowInWholeMillisecondsAsEveryFormatCarriesIt() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TextEvent event = TextEvents.of(null, "text", Map.of("lang", "en"));
        assertEquals(0, event.getEventTime().getNano() % 1_000_000, String.valueOf(event.getEventTime()));
        assertTrue(!event.getEventTime().isBefore(before) && !event.getEventTime().isAfter(Instant.now()));
        assertEquals(Map.of("lang", "en"), event.getMetadata());
    }
}
