package dev.semstream.query;

import dev.semstream.app.AppSettings;
import org.junit.jupiter.api.BeforeAll;

/** The query contract on the embedded default: A starts the KRaft broker and Apicurio, B joins them. */
class QueryIntegrationTest extends QueryContract {
    @BeforeAll
    static void start() throws Exception {
        startTwoInstances(AppSettings.embedded(dirA), a -> AppSettings.embedded(dirB)
                .withCluster(a.endpoints().bootstrapServers(), a.endpoints().schemaRegistryUrl()));
    }
}
