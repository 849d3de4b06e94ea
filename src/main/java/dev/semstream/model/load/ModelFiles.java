package dev.semstream.model.load;

import dev.semstream.model.ModelException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading a model's files whole, a missing or unreadable one a {@link ModelException} saying which it is. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** @param what the file's role, for messages: e.g. "config.json", "ONNX model file" */
    static byte[] readAllBytes(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelException(what + " not found: " + file, e);
        } catch (IOException e) {
            throw new ModelException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
