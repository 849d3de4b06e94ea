package dev.semstream.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Replaces a checkpoint directory so that a crash or a second Ctrl-C at any moment leaves a complete
 * checkpoint behind: the new one is written into {@code .NAME.tmp} beside it and synced, the old one renamed
 * to {@code .NAME.old}, the new one renamed into place, the old one deleted. A directory cannot be renamed
 * over a non-empty one, so there is a moment with two renames to go; {@link #locate} finds the complete copy
 * then. A copy is complete when its {@code marker} file (written last) is there.
 */
final class CheckpointDirectory {
    /** Writes a checkpoint's files into the directory it is given. */
    @FunctionalInterface
    interface Contents {
        void writeInto(Path dir) throws IOException;
    }

    private CheckpointDirectory() {
    }

    /**
     * Writes a checkpoint in place of the one in {@code dir}. A directory that holds anything else is refused
     * (see {@link #checkReplaceable}), since replacing it deletes what it held.
     */
    static void replace(Path dir, String marker, Contents contents) {
        checkReplaceable(dir, marker);
        Path target = dir.toAbsolutePath().normalize();
        Path tmp = sibling(target, ".tmp");
        Path old = sibling(target, ".old");
        try {
            Files.createDirectories(target.getParent());
            deleteTree(tmp);
            Files.createDirectory(tmp);
            contents.writeInto(tmp);
            if (!Files.exists(tmp.resolve(marker))) {
                throw new IllegalStateException("checkpoint written without its " + marker);
            }
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    sync(f);
                }
            }
            sync(tmp);
            if (Files.exists(target)) {
                deleteTree(old);
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            sync(target.getParent());
            deleteTree(old);
        } catch (IOException | UncheckedIOException e) {
            throw new TrainingException("cannot write the checkpoint " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The directory holding the checkpoint named {@code dir}: itself, or after a crash between the renames of
     * {@link #replace} the complete new copy, else the old one.
     */
    static Path locate(Path dir, String marker) {
        Path target = dir.toAbsolutePath().normalize();
        for (Path candidate : List.of(target, sibling(target, ".tmp"), sibling(target, ".old"))) {
            if (Files.isRegularFile(candidate.resolve(marker))) {
                return candidate;
            }
        }
        throw new TrainingException("no training checkpoint in " + dir + " (it has no " + marker + ")");
    }

    /**
     * Refuses a {@code dir} that exists and is neither empty nor a checkpoint: a checkpoint replaces its whole
     * directory, and an output directory with other files in it must not be swept away with the old checkpoint.
     */
    static void checkReplaceable(Path dir, String marker) {
        if (!Files.exists(dir) || Files.isRegularFile(dir.resolve(marker))) {
            return;
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(dir)) {
            empty = entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new TrainingException("cannot use " + dir + " for checkpoints: " + e.getMessage(), e);
        }
        if (!empty) {
            throw new TrainingException("cannot use " + dir + " for checkpoints: it holds other files, which each"
                    + " checkpoint would replace; give a new or empty directory (e.g. a 'checkpoint' directory inside it)");
        }
    }

    /** True when {@code dir} or a copy beside it holds a complete checkpoint. */
    static boolean exists(Path dir, String marker) {
        Path target = dir.toAbsolutePath().normalize();
        return Stream.of(target, sibling(target, ".tmp"), sibling(target, ".old"))
                .anyMatch(c -> Files.isRegularFile(c.resolve(marker)));
    }

    private static Path sibling(Path target, String suffix) {
        return target.resolveSibling("." + target.getFileName() + suffix);
    }

    /** Forces a file, or a directory's entries where the platform allows opening one, to the disk. */
    private static void sync(Path p) throws IOException {
        boolean directory = Files.isDirectory(p);
        try (FileChannel c = FileChannel.open(p, directory ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            c.force(true);
        } catch (IOException e) {
            if (!directory) {
                throw e;
            }
            // Some platforms cannot open a directory; the rename is then as durable as they make it.
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
