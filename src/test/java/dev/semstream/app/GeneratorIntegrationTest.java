package dev.semstream.app;

import dev.semstream.cli.DefaultGenerator;
import org.junit.jupiter.api.BeforeAll;

/**
 * The generator contract on the embedded default (KRaft broker in process, Apicurio as a child process) with the
 * generator `run` serves there by default, the one semstream ships in model/semstream-gpt.
 */
class GeneratorIntegrationTest extends GeneratorContract {
    @BeforeAll
    static void start() throws Exception {
        startWithGenerator(AppSettings.embedded(dataDir), DefaultGenerator.location());
    }
}
