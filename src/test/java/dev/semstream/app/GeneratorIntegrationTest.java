package dev.semstream.app;

import org.junit.jupiter.api.BeforeAll;

/** The generator contract on the embedded default: KRaft broker in process, Apicurio as a child process. */
class GeneratorIntegrationTest extends GeneratorContract {
    @BeforeAll
    static void start() throws Exception {
        startWithGenerator(AppSettings.embedded(dataDir));
    }
}
