package dev.semstream.query;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One subscriber's bounded queue, without Kafka or a server: drop and count when full, report once drained. */
class SubscriberQueueTest {
    private static FeedEvent event(long id) {
        var data = FeedEvent.data("delete");
        data.put("id", "t-" + id);
        return FeedEvent.of(FeedKind.DELETE, id, data);
    }

    private static String text(SubscriberQueue.Batch batch) {
        return StandardCharsets.UTF_8.decode(batch.bytes()).toString();
    }

    /** The data of every event in the written text, in order. */
    private static List<JsonNode> data(String written) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : written.split("\n")) {
            if (line.startsWith("data: ")) {
                out.add(HttpJson.MAPPER.readTree(line.substring(6)));
            }
        }
        return out;
    }

    @Test
    void aFullQueueDropsAndCountsThenReportsTheLossOnceDrained() throws Exception {
        SubscriberQueue queue = new SubscriberQueue(3);
        for (long i = 1; i <= 3; i++) {
            assertTrue(queue.offer(event(i)));
        }
        assertFalse(queue.offer(event(4)));
        assertFalse(queue.offer(event(5)));
        assertEquals(2, queue.totalDropped());
        assertEquals(3, queue.waiting(), "what was dropped holds no memory");

        SubscriberQueue.Batch first = queue.next();
        assertEquals(3, first.events());
        List<JsonNode> written = data(text(first));
        assertEquals(List.of("t-1", "t-2", "t-3", "dropped"), written.stream()
                .map(d -> d.has("id") ? d.get("id").asText() : d.get("kind").asText()).toList(),
                "the queued events in order, then the report once nothing is waiting");
        assertEquals(2, written.get(3).get("dropped").asLong());
        assertEquals(2, written.get(3).get("totalDropped").asLong());
        assertNull(queue.next(), "nothing left, no ping due");

        // Drained, it takes events again; a second loss is reported with the total so far.
        assertTrue(queue.offer(event(6)));
        assertTrue(queue.offer(event(7)));
        assertTrue(queue.offer(event(8)));
        assertFalse(queue.offer(event(9)));
        List<JsonNode> again = data(text(queue.next()));
        JsonNode report = again.get(again.size() - 1);
        assertEquals("dropped", report.get("kind").asText());
        assertEquals(1, report.get("dropped").asLong());
        assertEquals(3, report.get("totalDropped").asLong());
    }

    @Test
    void theReportWaitsUntilTheQueueHasDrained() throws Exception {
        SubscriberQueue queue = new SubscriberQueue(200);
        // Frames big enough that one batch cannot take them all.
        var big = FeedEvent.data("delete");
        big.put("id", "x".repeat(1000));
        int n = 0;
        while (queue.offer(FeedEvent.of(FeedKind.DELETE, ++n, big.deepCopy()))) {
            // fill it
        }
        SubscriberQueue.Batch batch = queue.next();
        assertTrue(batch.events() < 200, "a batch is bounded: " + batch.events());
        assertTrue(batch.bytes().remaining() <= SubscriberQueue.MAX_BATCH_BYTES);
        assertFalse(text(batch).contains("event: dropped"), "not yet: events are still waiting");
        String rest = "";
        for (SubscriberQueue.Batch b; (b = queue.next()) != null; ) {
            rest = text(b);
        }
        assertTrue(rest.endsWith("event: dropped\ndata: {\"kind\":\"dropped\",\"dropped\":1,\"totalDropped\":1}\n\n"), rest);
    }

    @Test
    void aPingGoesOutOnlyWhenNothingElseDoes() {
        SubscriberQueue queue = new SubscriberQueue(4);
        queue.ping();
        queue.offer(event(1));
        SubscriberQueue.Batch withEvent = queue.next();
        assertFalse(text(withEvent).contains(": ping"), "an event keeps the connection alive already");
        assertNull(queue.next());
        queue.ping();
        assertEquals(": ping\n\n", text(queue.next()));
        assertNull(queue.next());
    }

    @Test
    void eachEventIsFramedWithItsIdKindAndOneLineOfJson() {
        var data = FeedEvent.data("embedding");
        data.put("text", "two\nlines");
        String frame = StandardCharsets.UTF_8.decode(FeedEvent.of(FeedKind.EMBEDDING, 42, data).bytes()).toString();
        assertEquals("id: 42\nevent: embedding\ndata: {\"kind\":\"embedding\",\"text\":\"two\\nlines\"}\n\n", frame);
    }
}
