package dev.semstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * train.json in the output directory: what `train --resume` needs besides the checkpoint, which holds the shape,
 * the options and the step count (dev.semstream.train.TrainingState). Written once, when the run starts.
 *
 * @param corpus where the text came from, so a resume reads the same corpus (its token fingerprint is checked)
 * @param init   the checkpoint fine-tuned from (absolute), or null for a model trained from scratch
 * @param length how the number of steps was fixed (--steps, --tokens, or --minutes and the speed measured)
 * @param dtype  --dtype, the final weights' type, which a resume keeps unless told otherwise (null: F32)
 */
record TrainSettings(TrainCorpus.Source corpus, String init, String length, String dtype) {
    static final String FILE = "train.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    void write(Path dir) {
        try {
            JSON.writeValue(dir.resolve(FILE).toFile(), this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }

    static TrainSettings read(Path dir) {
        Path file = dir.resolve(FILE);
        try {
            return JSON.readValue(file.toFile(), TrainSettings.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
