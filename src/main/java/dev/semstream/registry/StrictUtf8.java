package dev.semstream.registry;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that refuses malformed bytes instead of replacing them with U+FFFD, which
 * {@code new String(bytes, UTF_8)} (and so Avro's own string reader) does silently: a text with bad bytes is
 * then stored as something its sender never wrote.
 */
public final class StrictUtf8 {
    private StrictUtf8() {
    }

    /** @throws CharacterCodingException at the first malformed or unmappable sequence */
    public static String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, offset, length)).toString();
    }
}
