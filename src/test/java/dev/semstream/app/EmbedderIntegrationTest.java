package dev.semstream.app;

import org.junit.jupiter.api.BeforeAll;

/** The pipeline contract on the embedded default: KRaft broker in process, Apicurio as a child process. */
class EmbedderIntegrationTest extends EmbedderPipelineContract {
    @BeforeAll
    static void start() throws Exception {
        startApp(AppSettings.embedded(dataDir));
    }
}
