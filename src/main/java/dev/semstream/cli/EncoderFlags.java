package dev.semstream.cli;

import dev.semstream.model.EncoderOptions;
import dev.semstream.model.LongTexts;
import dev.semstream.model.Pooling;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;

/** The encoder's flags, the same for every command that embeds (embed, run). */
final class EncoderFlags {
    @Option(names = "--model", paramLabel = "DIR",
            description = "A Hugging Face BERT-family checkpoint directory (config.json, model.safetensors, "
                    + "tokenizer.json). Default: the bundled all-MiniLM-L6-v2.")
    Path model;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256",
            description = "Longest input in tokens, special tokens included; longer texts are truncated and flagged (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--pooling", paramLabel = "MODE", defaultValue = "MEAN",
            description = "How token vectors become one vector: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Pooling pooling;

    @Option(names = "--long-texts", paramLabel = "MODE", defaultValue = "TRUNCATE",
            description = "Texts over --max-tokens: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}). "
                    + "CHUNK_AVERAGE embeds every window of --max-tokens and averages them.")
    LongTexts longTexts;

    @Option(names = "--no-normalize", description = "Leave vectors unnormalised (default: unit length).")
    boolean noNormalize;

    /** The {@code --model} value as other instances load it (null: the bundled default). */
    String location() {
        return model == null ? null : model.toString();
    }

    /** The options these flags describe; a usage error (exit 2) when they make no sense. */
    EncoderOptions options(CommandSpec spec) {
        if (maxTokens < 2) {
            throw new ParameterException(spec.commandLine(), "--max-tokens must be at least 2, got " + maxTokens);
        }
        return new EncoderOptions(maxTokens, pooling, !noNormalize, longTexts);
    }
}
