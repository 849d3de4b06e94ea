package dev.semstream.cli;

import dev.semstream.model.EncoderOptions;
import dev.semstream.model.LongTexts;
import dev.semstream.model.Pooling;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The encoder's flags, the same for every command that embeds (embed, run). Length and pooling left unset are
 * the model card's, so each bundled model runs as its authors trained it unless the user says otherwise.
 */
final class EncoderFlags {
    @Option(names = "--model", paramLabel = "NAME|DIR",
            description = "A bundled model (all-MiniLM-L6-v2, the default; bge-small-en-v1.5; e5-small-v2) or a "
                    + "Hugging Face BERT-family checkpoint directory (config.json, model.safetensors, "
                    + "tokenizer.json). A bundled model's card sets its pooling, length and query/passage prefixes.")
    String model;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "Longest input in tokens, special tokens included; longer texts are truncated and flagged "
                    + "(default: the model card's, 256 for all-MiniLM-L6-v2 and checkpoint directories, 512 for "
                    + "bge-small-en-v1.5 and e5-small-v2).")
    Integer maxTokens;

    @Option(names = "--pooling", paramLabel = "MODE",
            description = "How token vectors become one vector: ${COMPLETION-CANDIDATES} (default: the model "
                    + "card's, CLS for bge-small-en-v1.5, MEAN otherwise).")
    Pooling pooling;

    @Option(names = "--long-texts", paramLabel = "MODE", defaultValue = "TRUNCATE",
            description = "Texts over --max-tokens: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "CHUNK_AVERAGE embeds every window of --max-tokens and averages them.")
    LongTexts longTexts;

    @Option(names = "--no-normalize", description = "Leave vectors unnormalised (default: unit length).")
    boolean noNormalize;

    /** The {@code --model} value as other instances load it (null: the bundled default). */
    String location() {
        return model;
    }

    /** The options these flags describe, unset ones left to the card; a usage error (exit 2) when they make no sense. */
    EncoderOptions options(CommandSpec spec) {
        if (maxTokens != null && maxTokens < 2) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be at least 2, got " + maxTokens);
        }
        return new EncoderOptions(maxTokens == null ? EncoderOptions.FROM_CARD : maxTokens, pooling, !noNormalize,
                longTexts);
    }
}
