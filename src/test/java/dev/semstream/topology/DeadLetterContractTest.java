package dev.semstream.topology;

import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code schemas/dead-letters.md} lists exactly the headers and reasons the code writes, so the two cannot drift. */
class DeadLetterContractTest {
    static final Path DOC = Path.of("schemas", "dead-letters.md");
    /** A table row whose first cell is a code span: {@code | `semstream.error` | yes | ... |}. */
    static final Pattern ROW = Pattern.compile("^\\| `([^`]+)` \\|\\s*([^|]*?)\\s*\\|", Pattern.MULTILINE);

    @Test
    void theDocumentedHeadersAreTheOnesDeadLettersDefines() throws IOException {
        assertEquals(headerConstants(), new TreeSet<>(documented("## Headers").keySet()),
                "the headers DeadLetters defines (expected) and those " + DOC + " lists (actual)");
    }

    @Test
    void everyDeadLetterCarriesTheHeadersDocumentedAsAlways() throws IOException {
        var rejection = new RejectedInput(Reason.BLANK_TEXT, "the text of 't-1' is empty or blank");
        Set<String> written = headerNames(DeadLetters.of(rejection, "semstream.texts", 3, 42, new byte[1], new byte[1]));
        Set<String> always = documented("## Headers").entrySet().stream().filter(e -> e.getValue().equals("yes"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertFalse(always.isEmpty(), "no header is documented as always there");
        assertEquals(always, written, "the headers " + DOC + " marks 'always' (expected) and those a dead letter carries (actual)");
    }

    @Test
    void theDocumentedReasonsAreTheReasonCodes() throws IOException {
        Set<String> codes = Arrays.stream(Reason.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(codes, new TreeSet<>(documented("## Reasons").keySet()),
                "the reason codes (expected) and those " + DOC + " lists (actual)");
    }

    @Test
    void aTruncatedDeadLetterAddsTheHeadersDocumentedAsWhenTruncated() throws IOException {
        var rejection = new RejectedInput(Reason.RECORD_TOO_LARGE, "too large");
        Set<String> written = headerNames(DeadLetters.of(rejection, "semstream.texts", 3, 42, new byte[8],
                new byte[RecordLimits.MAX_RECORD_BYTES]));
        Set<String> expected = documented("## Headers").entrySet().stream()
                .filter(e -> e.getValue().equals("yes") || e.getValue().equals("when truncated"))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(expected, written, "the headers " + DOC + " marks 'always' or 'when truncated' (expected) and"
                + " those a truncated dead letter carries (actual)");
    }

    private static Set<String> headerNames(DeadLetters.DeadLetter letter) {
        return StreamSupport.stream(letter.headers().spliterator(), false).map(Header::key)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The names the code has for headers: every {@code semstream.*} string constant of {@link DeadLetters}. */
    static Set<String> headerConstants() {
        Set<String> names = new TreeSet<>();
        for (Field f : DeadLetters.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    f.setAccessible(true);
                    String value = (String) f.get(null);
                    if (value.startsWith("semstream.")) names.add(value);
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return names;
    }

    /** First cell to second cell of each code-span row of one section of the doc, in order. */
    static Map<String, String> documented(String heading) throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("\n" + heading);
        if (start < 0) throw new AssertionError(DOC + " has no section " + heading);
        int end = doc.indexOf("\n## ", start + 1);
        String section = doc.substring(start, end < 0 ? doc.length() : end);
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = ROW.matcher(section);
        while (m.find()) rows.put(m.group(1), m.group(2));
        return rows;
    }

    @Test
    void theParserReadsRowsAndIgnoresProse() {
        Matcher m = ROW.matcher("""
                Text with `semstream.not-a-row` in it.
                | `semstream.a` | yes | one |
                | `semstream.b` | when truncated | two |
                """);
        List<String> found = new ArrayList<>();
        while (m.find()) found.add(m.group(1) + "=" + m.group(2));
        assertEquals(List.of("semstream.a=yes", "semstream.b=when truncated"), found);
    }
}
