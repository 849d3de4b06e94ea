package dev.semstream.registry;

import java.util.List;

/** The registry's verdict on a candidate schema, with its reasons when it is not compatible (may be empty). */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
