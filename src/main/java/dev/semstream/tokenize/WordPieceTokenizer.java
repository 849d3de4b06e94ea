package dev.semstream.tokenize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A BERT WordPiece tokenizer that gives the same ids as Hugging Face {@code tokenizers} for the
 * same {@code tokenizer.json}, in pure Java.
 *
 * <p>The pipeline is HF's: cut out added tokens such as {@code [SEP]} from the raw text, run the
 * BERT normalizer (clean text, pad CJK, strip accents, lowercase, as the file says), split into
 * words on whitespace and punctuation, cut each word into WordPiece pieces, then wrap the pieces in
 * the post-processor's special tokens ({@code [CLS] ... [SEP]}).
 *
 * <p>Instances are immutable and thread-safe; {@link #encode} allocates only small per-call
 * buffers.
 */
public final class WordPieceTokenizer implements Tokenizer {
    private final Map<String, Integer> vocab; // the model's vocabulary plus the added tokens
    private final String[] tokenById;
    private final BertNormalizer normalizer;
    private final AddedTokenMatcher rawAddedTokens;
    private final AddedTokenMatcher normalizedAddedTokens;
    private final WordPieceModel wordPiece;
    private final SpecialTokensTemplate template;
    /** Ids of the special tokens: the added tokens marked special and the post-processor's. */
    private final BitSet specialIds = new BitSet();

    WordPieceTokenizer(Map<String, Integer> modelVocab, List<AddedToken> addedTokens, BertNormalizer normalizer,
                       WordPieceModel wordPiece, SpecialTokensTemplate template) {
        Map<String, Integer> all = new HashMap<>(modelVocab);
        List<AddedTokenMatcher.Candidate> raw = new ArrayList<>();
        List<AddedTokenMatcher.Candidate> normalized = new ArrayList<>();
        for (AddedToken token : addedTokens) {
            all.putIfAbsent(token.content(), token.id());
            if (token.special()) {
                specialIds.set(token.id());
            }
            if (token.normalized()) {
                // HF matches these against the normalized text, so it normalizes the pattern too.
                normalized.add(new AddedTokenMatcher.Candidate(normalize(normalizer, token.content()), token));
            } else {
                raw.add(new AddedTokenMatcher.Candidate(token.content(), token));
            }
        }
        this.vocab = Collections.unmodifiableMap(all);
        this.tokenById = tokensById(all, template);
        this.normalizer = normalizer;
        this.rawAddedTokens = new AddedTokenMatcher(raw);
        this.normalizedAddedTokens = new AddedTokenMatcher(normalized);
        this.wordPiece = wordPiece;
        this.template = template;
        for (int id : template.prefix()) {
            specialIds.set(id);
        }
        for (int id : template.suffix()) {
            specialIds.set(id);
        }
    }

    /**
     * Loads a Hugging Face {@code tokenizer.json} file.
     *
     * @throws IOException        if the file cannot be read
     * @throws TokenizerException if it is not a WordPiece tokenizer this class reproduces exactly
     */
    public static WordPieceTokenizer fromJson(Path tokenizerJson) throws IOException {
        try (InputStream in = Files.newInputStream(tokenizerJson)) {
            return TokenizerJsonReader.read(in, tokenizerJson.toString());
        }
    }

    /**
     * Loads a Hugging Face {@code tokenizer.json} from a stream (left open).
     *
     * @param sourceName names the content in error messages, e.g. a file or resource name
     * @throws IOException        if the stream cannot be read
     * @throws TokenizerException if it is not a WordPiece tokenizer this class reproduces exactly
     */
    public static WordPieceTokenizer fromJson(InputStream tokenizerJson, String sourceName) throws IOException {
        return TokenizerJsonReader.read(tokenizerJson, sourceName);
    }

    /**
     * Loads a Hugging Face {@code tokenizer.json} from the classpath, e.g.
     * {@code "all-minilm-l6-v2-tokenizer.json"}.
     *
     * @throws TokenizerException   if there is no such resource or it is not a supported tokenizer
     * @throws UncheckedIOException if the resource cannot be read
     */
    public static WordPieceTokenizer fromResource(String resourceName) {
        ClassLoader loader = Objects.requireNonNullElse(
                Thread.currentThread().getContextClassLoader(), WordPieceTokenizer.class.getClassLoader());
        try (InputStream in = loader.getResourceAsStream(resourceName)) {
            if (in == null) {
                throw new TokenizerException("classpath resource \"" + resourceName + "\" not found");
            }
            return TokenizerJsonReader.read(in, "classpath:" + resourceName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read classpath resource " + resourceName, e);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Keeps the post-processor's special tokens and as many leading pieces as fit between them:
     * for BERT, {@code [CLS]} + the first {@code maxTokens - 2} pieces + {@code [SEP]}, flagged
     * {@link Encoding#truncated()} when pieces were dropped.
     *
     * @throws NullPointerException     if text is null
     * @throws IllegalArgumentException if maxTokens is below {@link #minMaxTokens()}
     */
    @Override
    public Encoding encode(String text, int maxTokens) {
        Objects.requireNonNull(text, "text to encode must not be null");
        if (maxTokens < minMaxTokens()) {
            throw new IllegalArgumentException("maxTokens must be at least " + minMaxTokens()
                    + " to hold the " + template.specialCount() + " special tokens, got " + maxTokens);
        }
        int budget = maxTokens - template.specialCount();
        int limit = budget == Integer.MAX_VALUE ? budget : budget + 1; // one past the budget reveals truncation
        IntList pieces = new IntList(Math.min(limit, text.length() / 3 + 8));
        appendPieceIds(text, limit, pieces);
        boolean truncated = pieces.size() > budget;
        return new Encoding(template.wrap(pieces, Math.min(pieces.size(), budget)), truncated);
    }

    /** The smallest maxTokens {@link #encode} accepts: room for the special tokens, and at least 1. */
    public int minMaxTokens() {
        return Math.max(1, template.specialCount());
    }

    /**
     * The pieces of {@code text} as vocabulary strings, without the post-processor's special tokens
     * and without truncation, e.g. {@code ["hello", "world", "##s"]}. For debugging and tools.
     */
    public List<String> tokenize(String text) {
        Objects.requireNonNull(text, "text to tokenize must not be null");
        IntList pieces = new IntList(text.length() / 3 + 8);
        appendPieceIds(text, Integer.MAX_VALUE, pieces);
        List<String> tokens = new ArrayList<>(pieces.size());
        for (int i = 0; i < pieces.size(); i++) {
            tokens.add(tokenById[pieces.get(i)]);
        }
        return tokens;
    }

    /** One more than the largest token id: the rows an embedding table for this tokenizer needs. */
    public int vocabSize() {
        return tokenById.length;
    }

    /** The id of a vocabulary entry or added token, spelled exactly (e.g. {@code "##ing"}, {@code "[CLS]"}). */
    public OptionalInt idOf(String token) {
        Integer id = vocab.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public Optional<String> tokenOf(int id) {
        return id >= 0 && id < tokenById.length ? Optional.ofNullable(tokenById[id]) : Optional.empty();
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 0 && specialIds.get(id);
    }

    /** Appends piece ids for {@code text} to {@code out}, stopping once it holds {@code limit}. */
    private void appendPieceIds(String text, int limit, IntList out) {
        WorkBuffers buffers = new WorkBuffers(text.length());
        if (rawAddedTokens.isEmpty()) {
            appendTextPieces(text, 0, text.length(), limit, out, buffers);
            return;
        }
        IntList rawSegments = new IntList(6);
        rawAddedTokens.split(text, 0, text.length(), rawSegments);
        for (int s = 0; s < rawSegments.size() && out.size() < limit; s += 3) {
            int id = rawSegments.get(s + 2);
            if (id != AddedTokenMatcher.TEXT) {
                out.add(id);
            } else {
                appendTextPieces(text, rawSegments.get(s), rawSegments.get(s + 1), limit, out, buffers);
            }
        }
    }

    /** Normalizes a stretch of raw text, then handles normalized added tokens and the words between them. */
    private void appendTextPieces(String text, int from, int to, int limit, IntList out, WorkBuffers buffers) {
        TextBuffer normalized = buffers.normalized;
        normalizer.normalize(text, from, to, normalized, buffers.scratch);
        if (normalizedAddedTokens.isEmpty()) {
            appendWordPieces(normalized.array(), 0, normalized.length(), limit, out, buffers.words);
            return;
        }
        IntList segments = buffers.normalizedSegments;
        segments.clear();
        normalizedAddedTokens.split(normalized, 0, normalized.length(), segments);
        for (int s = 0; s < segments.size() && out.size() < limit; s += 3) {
            int id = segments.get(s + 2);
            if (id != AddedTokenMatcher.TEXT) {
                out.add(id);
            } else {
                appendWordPieces(normalized.array(), segments.get(s), segments.get(s + 1), limit, out, buffers.words);
            }
        }
    }

    private void appendWordPieces(char[] chars, int from, int to, int limit, IntList out, IntList words) {
        words.clear();
        BertPreTokenizer.split(chars, from, to, words);
        for (int w = 0; w < words.size() && out.size() < limit; w += 2) {
            wordPiece.tokenize(chars, words.get(w), words.get(w + 1), out);
        }
    }

    /** One call's work space: allocated per call (keeps the tokenizer thread-safe), reused across its segments. */
    private static final class WorkBuffers {
        final TextBuffer normalized;
        final TextBuffer scratch = new TextBuffer(0);
        final IntList words = new IntList(32);
        final IntList normalizedSegments = new IntList(6);

        WorkBuffers(int textLength) {
            normalized = new TextBuffer(textLength + 16);
        }
    }

    private static String normalize(BertNormalizer normalizer, String text) {
        TextBuffer out = new TextBuffer(text.length());
        normalizer.normalize(text, 0, text.length(), out, new TextBuffer(0));
        return out.toString();
    }

    private static String[] tokensById(Map<String, Integer> vocab, SpecialTokensTemplate template) {
        int maxId = -1;
        for (int id : vocab.values()) {
            maxId = Math.max(maxId, id);
        }
        for (int id : template.prefix()) {
            maxId = Math.max(maxId, id);
        }
        for (int id : template.suffix()) {
            maxId = Math.max(maxId, id);
        }
        String[] tokens = new String[maxId + 1];
        vocab.forEach((token, id) -> {
            if (tokens[id] == null || token.compareTo(tokens[id]) < 0) {
                tokens[id] = token; // two tokens sharing an id: pick one deterministically
            }
        });
        return tokens;
    }
}
