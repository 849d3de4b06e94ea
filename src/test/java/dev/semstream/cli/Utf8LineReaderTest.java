package dev.semstream.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Utf8LineReaderTest {

    @Test
    void splitsOnTheSameTerminatorsAsBufferedReader() throws IOException {
        assertEquals(List.of("a", "", "b", "c", "d", "e"), readAll("a\n\nb\r\nc\rd\ne"));
        assertEquals(List.of(""), readAll("\r\n"));
        assertEquals(List.of(), readAll(""));
    }

    @Test
    void decodesMultiByteCharacters() throws IOException {
        assertEquals(List.of("héllo wörld", "日本語", "🙂"), readAll("héllo wörld\n日本語\n🙂\n"));
    }

    /**
     * The bad bytes sit well past the first buffer's worth of input: a decoding reader would fail before
     * returning line 1; this one returns every good line and then names the bad one.
     */
    @Test
    void namesTheLineWithInvalidBytesAfterReturningTheOnesBefore() throws IOException {
        byte[] good = "a line of plain text\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
        byte[] input = Arrays.copyOf(good, good.length + 3);
        input[good.length] = 'x';
        input[good.length + 1] = (byte) 0xFF;
        input[good.length + 2] = '\n';
        Utf8LineReader reader = new Utf8LineReader(new ByteArrayInputStream(input));
        for (int i = 1; i <= 1000; i++) {
            assertEquals("a line of plain text", reader.readLine());
            assertEquals(i, reader.lineNumber());
        }
        assertThrows(CharacterCodingException.class, reader::readLine);
        assertEquals(1001, reader.lineNumber());
    }

    @Test
    void rejectsTruncatedSequencesAndSurrogatesEncodedAsUtf8() {
        for (byte[] bad : new byte[][]{{(byte) 0xE6, (byte) 0x97}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}}) {
            Utf8LineReader reader = new Utf8LineReader(new ByteArrayInputStream(bad));
            assertThrows(CharacterCodingException.class, reader::readLine);
            assertEquals(1, reader.lineNumber());
        }
    }

    private static List<String> readAll(String text) throws IOException {
        Utf8LineReader reader = new Utf8LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        List<String> lines = new ArrayList<>();
        for (String line; (line = reader.readLine()) != null; ) {
            lines.add(line);
        }
        assertNull(reader.readLine(), "stays at the end");
        return lines;
    }
}
