package dev.semstream.query;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What the live feed reports: each is an SSE {@code event:} name and the {@code kind} field of its data. */
enum FeedKind {
    /** A record on the embeddings topic: a text was embedded. */
    EMBEDDING,
    /** A tombstone on the embeddings topic: a text was deleted. */
    DELETE,
    /** A record on the dead-letter topic. */
    DEAD_LETTER,
    /** A record on the completions topic. */
    COMPLETION;

    /** As the contract spells it: {@code dead_letter}. */
    String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code ?kinds=embedding,delete}; null or absent: every kind. An unknown name is the client's error. */
    static Set<FeedKind> parse(String kinds) {
        if (kinds == null) {
            return EnumSet.allOf(FeedKind.class);
        }
        Set<FeedKind> out = EnumSet.noneOf(FeedKind.class);
        for (String name : kinds.split(",", -1)) {
            out.add(named(name.trim()));
        }
        return out;
    }

    private static FeedKind named(String name) {
        for (FeedKind k : values()) {
            if (k.wireName().equals(name)) {
                return k;
            }
        }
        throw ApiException.badRequest("unknown kind '" + name + "' in 'kinds'; the feed's kinds are embedding, delete,"
                + " dead_letter and completion (comma-separated)");
    }
}
