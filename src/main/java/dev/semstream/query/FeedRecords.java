package dev.semstream.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.avro.Completion;
import dev.semstream.avro.Embedding;
import dev.semstream.topology.DeadLetters;
import dev.semstream.topology.EmbeddingRecords;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/** The feed's events as the contract gives them, made from the records the tail reads. */
final class FeedRecords {
    /** An embedding's text is cut to this many characters: the page shows a line of it, not the whole text. */
    static final int TEXT_CHARS = 300;
    /** A dead letter's key is cut to this many characters. */
    static final int KEY_CHARS = 200;

    private FeedRecords() {
    }

    /** A record of the embeddings topic, placed on the map when {@code basis} is for its model. */
    static ObjectNode embedding(ConsumerRecord<?, ?> r, Embedding e, Optional<MapBasis> basis, long seenAt) {
        ObjectNode data = FeedEvent.data(FeedKind.EMBEDDING.wireName());
        data.put("id", e.getId());
        data.put("modelId", e.getModelId());
        data.put("tokens", e.getTokenCount());
        data.put("truncated", e.getTruncated());
        data.put("text", prefix(e.getText(), TEXT_CHARS));
        data.put("textLength", e.getText().length());
        ObjectNode metadata = data.putObject("metadata");
        e.getMetadata().forEach(metadata::put);
        Long eventTime = e.getEventTime() == null ? null : e.getEventTime().toEpochMilli();
        long embeddedAt = e.getEmbeddedAt().toEpochMilli();
        data.put("eventTime", eventTime);
        data.put("embeddedAt", embeddedAt);
        data.put("latencyMs", eventTime == null ? null : embeddedAt - eventTime);
        located(data, r, seenAt);
        data.set("map", basis.filter(b -> b.projection().modelId().equals(e.getModelId())
                        && b.projection().dimensions() == e.getVector().size())
                .map(b -> mapPoint(b, EmbeddingRecords.vector(e))).orElse(null));
        return data;
    }

    /** A tombstone on the embeddings topic. */
    static ObjectNode delete(ConsumerRecord<byte[], ?> r, long seenAt) {
        ObjectNode data = FeedEvent.data(FeedKind.DELETE.wireName());
        data.put("id", utf8(r.key()));
        located(data, r, seenAt);
        return data;
    }

    /** A record of the dead-letter topic, described by its headers (schemas/dead-letters.md). */
    static ObjectNode deadLetter(ConsumerRecord<byte[], byte[]> r, long seenAt) {
        Headers h = r.headers();
        ObjectNode data = FeedEvent.data(FeedKind.DEAD_LETTER.wireName());
        data.put("reason", header(h, DeadLetters.ERROR));
        data.put("message", header(h, DeadLetters.MESSAGE));
        data.put("sourceTopic", header(h, DeadLetters.SOURCE_TOPIC));
        data.put("sourcePartition", number(header(h, DeadLetters.SOURCE_PARTITION)));
        data.put("sourceOffset", number(header(h, DeadLetters.SOURCE_OFFSET)));
        data.put("key", r.key() == null ? null : prefix(utf8(r.key()), KEY_CHARS));
        // A truncated dead letter carries a prefix of the value: its original size is the one worth showing.
        Long original = number(header(h, DeadLetters.ORIGINAL_VALUE_BYTES));
        data.put("valueBytes", original != null ? original : r.value() == null ? 0L : (long) r.value().length);
        data.put("timestamp", r.timestamp());
        located(data, r, seenAt);
        return data;
    }

    /** A record of the completions topic. */
    static ObjectNode completion(ConsumerRecord<?, ?> r, Completion c, long seenAt) {
        ObjectNode data = FeedEvent.data(FeedKind.COMPLETION.wireName());
        data.put("promptId", c.getPromptId());
        data.put("text", c.getText());
        data.put("finishReason", c.getFinishReason().name()); // as the Completion schema spells it: STOP, LENGTH, ...
        data.put("error", c.getError());
        data.put("promptTokens", c.getPromptTokens());
        data.put("completionTokens", c.getCompletionTokens());
        data.put("modelId", c.getModelId());
        ArrayNode ids = data.putArray("contextIds");
        c.getContextIds().forEach(ids::add);
        ObjectNode timings = data.putObject("timings");
        timings.put("promptMillis", c.getTimings().getPromptMillis());
        timings.put("generationMillis", c.getTimings().getGenerationMillis());
        timings.put("tokensPerSecond", c.getTimings().getTokensPerSecond());
        Instant completedAt = c.getCompletedAt();
        data.put("completedAt", completedAt.toEpochMilli());
        located(data, r, seenAt);
        return data;
    }

    private static ObjectNode mapPoint(MapBasis basis, float[] vector) {
        float[] xy = basis.projection().project(vector);
        ObjectNode map = Json.newObject();
        map.put("basis", basis.id());
        map.put("x", xy[0]);
        map.put("y", xy[1]);
        return map;
    }

    private static void located(ObjectNode data, ConsumerRecord<?, ?> r, long seenAt) {
        data.put("seenAt", seenAt);
        data.put("partition", r.partition());
        data.put("offset", r.offset());
    }

    /** The first {@code chars} characters, never half of a surrogate pair. */
    static String prefix(String s, int chars) {
        if (s.length() <= chars) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(chars - 1)) ? chars - 1 : chars;
        return s.substring(0, end);
    }

    /** Bytes as UTF-8, malformed sequences replaced: a dead letter's key may be anything. */
    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : utf8(h.value());
    }

    private static Long number(String decimal) {
        if (decimal == null) {
            return null;
        }
        try {
            return Long.parseLong(decimal.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
