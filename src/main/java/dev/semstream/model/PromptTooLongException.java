package dev.semstream.model;

/** The prompt has more tokens than the model's context length. */
public final class PromptTooLongException extends GenerationRequestException {
    private final int promptTokens;
    private final int contextLength;

    public PromptTooLongException(int promptTokens, int contextLength) {
        super("the prompt is " + promptTokens + " tokens long, more than the model's context length of "
                + contextLength + " tokens");
        this.promptTokens = promptTokens;
        this.contextLength = contextLength;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int contextLength() {
        return contextLength;
    }
}
