package dev.semstream.tokenize;

/** A tokenizer definition that cannot be loaded: malformed JSON, a missing field, an unsupported type. */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
