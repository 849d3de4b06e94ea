package dev.semstream.topology;

import dev.semstream.avro.TextEvent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * New text events as users send them, through {@code POST /texts} or {@code produce}: one id rule and one
 * clock for both, so a text gets the same id whichever way it comes.
 */
public final class TextEvents {
    private TextEvents() {
    }

    /**
     * @param id the caller's id, or null for {@link #stableId}: the same text sent again then updates its
     *           embedding instead of adding a copy
     */
    public static TextEvent of(String id, String text, Map<String, String> metadata) {
        // Milliseconds, as every input format carries the time: the event reads back as it was made.
        return TextEvent.newBuilder().setId(id != null ? id : stableId(text)).setText(text)
                .setMetadata(new HashMap<>(metadata)).setEventTime(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    /** The id of a text sent without one: the first 16 hex digits of the SHA-256 of its UTF-8 bytes. */
    public static String stableId(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
