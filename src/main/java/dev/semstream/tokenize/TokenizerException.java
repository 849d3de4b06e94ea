package dev.semstream.tokenize;

/** A tokenizer definition that cannot be loaded: malformed JSON, a missing field, an unsupported type. */
public class TokenizerException extends RuntimeException {
    /** @param message what is wrong, starting with the file or resource it came from */
    public TokenizerException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, starting with the file or resource it came from
     * @param cause   the parser's own error
     */
    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
