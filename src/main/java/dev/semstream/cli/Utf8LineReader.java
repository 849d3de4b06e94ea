package dev.semstream.cli;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Lines of strict UTF-8, ended by {@code \n}, {@code \r\n} or {@code \r} as {@link java.io.BufferedReader}
 * ends them. It splits bytes first and decodes each line on its own because a decoding
 * {@code InputStreamReader} reads ahead by kilobytes and fails on the whole chunk: an error on line 40 would
 * surface before line 1 is returned, and {@link #lineNumber()} could not say where the bad bytes are.
 */
final class Utf8LineReader {
    private final InputStream in;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long lineNumber;
    private boolean skipNextLf;

    Utf8LineReader(InputStream in) {
        this.in = new BufferedInputStream(in);
    }

    /**
     * The next line without its terminator, or null at the end of the input.
     *
     * @throws CharacterCodingException if the line is not valid UTF-8; {@link #lineNumber()} names it
     */
    String readLine() throws IOException {
        line.reset();
        int b;
        while ((b = in.read()) != -1) {
            if (skipNextLf) {
                skipNextLf = false;
                if (b == '\n') {
                    continue; // second half of \r\n
                }
            }
            if (b == '\n') {
                break;
            }
            if (b == '\r') {
                skipNextLf = true;
                break;
            }
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        lineNumber++;
        return decoder.reset().decode(ByteBuffer.wrap(line.toByteArray())).toString();
    }

    /** 1-based number of the line last read (or that failed to decode); 0 before the first. */
    long lineNumber() {
        return lineNumber;
    }
}
