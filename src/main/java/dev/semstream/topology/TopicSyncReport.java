package dev.semstream.topology;

import java.util.List;

/**
 * The outcome of {@link TopicDefinitions#ensureTopics}.
 *
 * @param created        topics this call created
 * @param alreadyPresent topics that existed and were left alone
 * @param warnings       differences between existing topics and their definitions (e.g. partition count)
 */
public record TopicSyncReport(List<String> created, List<String> alreadyPresent, List<String> warnings) {

    public TopicSyncReport {
        created = List.copyOf(created);
        alreadyPresent = List.copyOf(alreadyPresent);
        warnings = List.copyOf(warnings);
    }
}
