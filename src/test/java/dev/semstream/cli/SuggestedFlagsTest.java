package dev.semstream.cli;

import dev.semstream.topology.InputFormat;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The commands run suggests name every flag the user changed that they need, and nothing else. */
class SuggestedFlagsTest {
    @Test
    void theDefaultsNeedNoFlags() {
        SuggestedFlags flags = new SuggestedFlags(Path.of("data"), null, InputFormat.AVRO);
        assertEquals("", flags.where());
        assertEquals("", flags.forProduce());
        assertEquals("", new SuggestedFlags(Path.of("./data"), null, InputFormat.AVRO).where());
    }

    @Test
    void aChangedDataDirPrefixAndFormatAreNamedQuotedWhereTheShellNeedsIt() {
        SuggestedFlags flags = new SuggestedFlags(Path.of("/tmp/my data"), "team.a", InputFormat.JSON);
        assertEquals(" --data-dir '/tmp/my data' --topic-prefix team.a", flags.where());
        assertEquals(" --data-dir '/tmp/my data' --topic-prefix team.a --format JSON", flags.forProduce());
    }
}
