package dev.semstream.tokenize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GPT-2's tokenizer: byte-level BPE as in {@code vocab.json} + {@code merges.txt}. Text is cut by
 * {@link Gpt2PreTokenizer}, each piece's UTF-8 bytes start as single-byte tokens, and the merges are applied
 * by rank ({@link BpeMerges}). Every byte string is encodable, so there is no unknown token, and
 * {@link #decodeBytes} gives back exactly the UTF-8 bytes of the text ({@link String#getBytes}, in which an
 * unpaired surrogate is '?').
 *
 * <p>Special tokens such as {@code <|endoftext|>} are never produced from text: a prompt that contains the
 * literal string gets the tokens of its characters, so no user text can end a document early. The id of
 * {@code <|endoftext|>} is {@link #endOfTextId()}. Immutable and thread-safe; pieces already seen are cached.
 */
public final class ByteLevelBpeTokenizer {
    public static final String END_OF_TEXT = "<|endoftext|>";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Pieces longer than this are not cached: they are rare and would crowd out the common words. */
    private static final int MAX_CACHED_PIECE = 64;
    private static final int MAX_CACHE_ENTRIES = 100_000;

    private final byte[][] tokenBytes;
    private final int[] byteTokens = new int[256];
    private final BpeMerges merges;
    private final int endOfTextId;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    private ByteLevelBpeTokenizer(byte[][] tokenBytes, Map<String, Integer> vocab, BpeMerges merges, String source) {
        this.tokenBytes = tokenBytes;
        this.merges = merges;
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevelAlphabet.charOf(b)));
            if (id == null) {
                throw new TokenizerException(source + ": vocabulary has no token for byte " + b + " ('"
                        + ByteLevelAlphabet.charOf(b) + "'), so some text could not be encoded");
            }
            byteTokens[b] = id;
        }
        this.endOfTextId = vocab.getOrDefault(END_OF_TEXT, -1);
    }

    /** Reads {@code vocab.json} and {@code merges.txt} from a directory. */
    public static ByteLevelBpeTokenizer read(Path dir) {
        return read(dir.resolve("vocab.json"), dir.resolve("merges.txt"));
    }

    public static ByteLevelBpeTokenizer read(Path vocabJson, Path mergesTxt) {
        return of(readFile(vocabJson), readFile(mergesTxt), vocabJson.getParent() == null ? vocabJson.toString()
                : vocabJson.getParent().toString());
    }

    /**
     * @param vocabJson {@code {"token": id, ...}}, tokens spelled in the {@link ByteLevelAlphabet}
     * @param mergesTxt one merge per line, {@code left right}, in rank order; a {@code #version} line first
     * @param source    where the files came from, for error messages
     */
    public static ByteLevelBpeTokenizer of(byte[] vocabJson, byte[] mergesTxt, String source) {
        Map<String, Integer> vocab = parseVocab(vocabJson, source);
        int size = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        byte[][] bytes = new byte[size][];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            int id = e.getValue();
            if (bytes[id] != null) {
                throw new TokenizerException(source + ": vocab.json gives id " + id + " to two tokens");
            }
            bytes[id] = alphabetBytes(e.getKey(), source);
        }
        return new ByteLevelBpeTokenizer(bytes, vocab, parseMerges(mergesTxt, vocab, source), source);
    }

    /** Number of ids: the largest id plus one. */
    public int vocabSize() {
        return tokenBytes.length;
    }

    /** The id of {@code <|endoftext|>}, or -1 if the vocabulary has none. */
    public int endOfTextId() {
        return endOfTextId;
    }

    /** Token ids of the text; special-token strings in it are ordinary text. */
    public int[] encode(String text) {
        List<int[]> parts = new ArrayList<>();
        int total = 0;
        for (String piece : Gpt2PreTokenizer.split(text)) {
            int[] ids = encodePiece(piece);
            parts.add(ids);
            total += ids.length;
        }
        int[] out = new int[total];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    private int[] encodePiece(String piece) {
        if (piece.length() > MAX_CACHED_PIECE) {
            return bpe(piece);
        }
        int[] cached = cache.get(piece);
        if (cached == null) {
            cached = bpe(piece);
            if (cache.size() >= MAX_CACHE_ENTRIES) {
                cache.clear();
            }
            cache.put(piece, cached);
        }
        return cached;
    }

    private int[] bpe(String piece) {
        byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
        int[] symbols = new int[utf8.length];
        for (int i = 0; i < utf8.length; i++) {
            symbols[i] = byteTokens[utf8[i] & 0xFF];
        }
        return merges.apply(symbols);
    }

    /** The bytes one token stands for. */
    public byte[] tokenBytes(int id) {
        if (id < 0 || id >= tokenBytes.length || tokenBytes[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + tokenBytes.length);
        }
        return tokenBytes[id].clone();
    }

    /** The bytes of the tokens, concatenated: exactly the UTF-8 the text was encoded from. */
    public byte[] decodeBytes(int[] ids) {
        int n = 0;
        for (int id : ids) {
            n += bytesOf(id).length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (int id : ids) {
            byte[] b = bytesOf(id);
            System.arraycopy(b, 0, out, o, b.length);
            o += b.length;
        }
        return out;
    }

    /** The text of the tokens; byte sequences that are not valid UTF-8 (a cut-off character) become U+FFFD. */
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    private byte[] bytesOf(int id) {
        if (id < 0 || id >= tokenBytes.length || tokenBytes[id] == null) {
            throw new IllegalArgumentException("token id " + id + " is not in the vocabulary of " + tokenBytes.length);
        }
        return tokenBytes[id];
    }

    private static Map<String, Integer> parseVocab(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new TokenizerException(source + ": vocab.json is not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new TokenizerException(source + ": vocab.json must be a non-empty JSON object of token -> id");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            JsonNode id = e.getValue();
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw new TokenizerException(source + ": vocab.json maps '" + e.getKey() + "' to " + id
                        + ", not a non-negative integer id");
            }
            vocab.put(e.getKey(), id.intValue());
        }
        return vocab;
    }

    private static byte[] alphabetBytes(String token, String source) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            int b = ByteLevelAlphabet.byteOf(token.charAt(i));
            if (b < 0) {
                throw new TokenizerException(source + ": vocab.json token '" + token + "' has character U+"
                        + String.format("%04X", (int) token.charAt(i)) + ", which is not in the byte-level alphabet");
            }
            out[i] = (byte) b;
        }
        return out;
    }

    private static BpeMerges parseMerges(byte[] text, Map<String, Integer> vocab, String source) {
        String all;
        try {
            all = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(text)).toString();
        } catch (CharacterCodingException e) {
            throw new TokenizerException(source + ": merges.txt is not UTF-8", e);
        }
        String[] lines = all.split("\n", -1);
        int[] left = new int[lines.length];
        int[] right = new int[lines.length];
        int[] merged = new int[lines.length];
        int count = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
                throw new TokenizerException(source + ": merges.txt line " + (i + 1) + " is '" + line
                        + "', expected two tokens separated by one space");
            }
            String a = line.substring(0, space);
            String b = line.substring(space + 1);
            left[count] = idOf(vocab, a, i, source);
            right[count] = idOf(vocab, b, i, source);
            merged[count] = idOf(vocab, a + b, i, source);
            count++;
        }
        return new BpeMerges(java.util.Arrays.copyOf(left, count), java.util.Arrays.copyOf(right, count),
                java.util.Arrays.copyOf(merged, count));
    }

    private static int idOf(Map<String, Integer> vocab, String token, int line, String source) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw new TokenizerException(source + ": merges.txt line " + (line + 1) + " needs token '" + token
                    + "', which vocab.json does not have");
        }
        return id;
    }

    private static byte[] readFile(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new TokenizerException(file + " not found", e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
