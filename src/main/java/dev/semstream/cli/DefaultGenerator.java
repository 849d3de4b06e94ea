package dev.semstream.cli;

import java.nio.file.Path;

/**
 * Where {@code run} finds the generator semstream ships, {@code model/semstream-gpt/}, when no
 * {@code --generator-model} is given. The launcher names it with a system property, so {@code run} works from
 * any directory; without the property (tests, an IDE, the container) it is looked up from the working directory.
 */
public final class DefaultGenerator {
    /** The launcher's {@code -D} naming the directory of the shipped checkpoint. */
    public static final String PROPERTY = "semstream.generator.default";
    /** The shipped checkpoint, relative to the checkout (or to the container's working directory). */
    public static final String DIRECTORY = "model/semstream-gpt";

    private DefaultGenerator() {
    }

    /** The shipped checkpoint's directory: the launcher's property, else {@link #DIRECTORY} here. */
    public static Path location() {
        String named = System.getProperty(PROPERTY);
        return named == null || named.isBlank() ? Path.of(DIRECTORY) : Path.of(named);
    }
}
