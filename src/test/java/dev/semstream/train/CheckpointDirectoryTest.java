package dev.semstream.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CheckpointDirectoryTest {
    private static CheckpointDirectory.Contents files(String step) {
        return into -> {
            Files.writeString(into.resolve("weights"), "w" + step);
            Files.writeString(into.resolve("state.json"), step);
        };
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aReplacementLeavesOnlyTheNewCheckpoint(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("ckpt");
        CheckpointDirectory.replace(ckpt, "state.json", files("1"));
        CheckpointDirectory.replace(ckpt, "state.json", files("2"));
        assertEquals(List.of("ckpt"), names(dir), "no temporary or old copy left beside it");
        assertEquals(List.of("state.json", "weights"), names(ckpt));
        assertEquals("w2", Files.readString(ckpt.resolve("weights")));
        assertEquals(ckpt, CheckpointDirectory.locate(ckpt, "state.json"));
    }

    @Test
    void aWriteThatFailsLeavesTheLastCheckpointInPlace(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("ckpt");
        CheckpointDirectory.replace(ckpt, "state.json", files("1"));
        assertThrows(TrainingException.class, () -> CheckpointDirectory.replace(ckpt, "state.json", into -> {
            Files.writeString(into.resolve("weights"), "half");
            throw new IOException("disk full");
        }));
        assertEquals("w1", Files.readString(CheckpointDirectory.locate(ckpt, "state.json").resolve("weights")));
        // the next checkpoint clears the broken temporary copy
        CheckpointDirectory.replace(ckpt, "state.json", files("3"));
        assertEquals(List.of("ckpt"), names(dir));
    }

    @Test
    void aCrashBetweenTheTwoRenamesIsFoundOnTheCompleteCopy(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("ckpt");
        CheckpointDirectory.replace(ckpt, "state.json", files("1"));
        // As if killed after moving the old copy aside, before moving the new one in:
        Files.move(ckpt, dir.resolve(".ckpt.old"));
        Files.createDirectory(dir.resolve(".ckpt.tmp"));
        files("2").writeInto(dir.resolve(".ckpt.tmp"));
        assertEquals(dir.resolve(".ckpt.tmp"), CheckpointDirectory.locate(ckpt, "state.json"));
        // Killed while still writing the new one: its state.json is missing, so the old copy is the checkpoint.
        Files.delete(dir.resolve(".ckpt.tmp").resolve("state.json"));
        assertEquals(dir.resolve(".ckpt.old"), CheckpointDirectory.locate(ckpt, "state.json"));
        CheckpointDirectory.replace(ckpt, "state.json", files("3"));
        assertEquals(List.of("ckpt"), names(dir));
        assertFalse(Files.exists(dir.resolve(".ckpt.old")));
    }

    @Test
    void aDirectoryHoldingOtherFilesIsNeverReplaced(@TempDir Path dir) throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("loss.csv"), "step,loss");
        TrainingException e = assertThrows(TrainingException.class,
                () -> CheckpointDirectory.replace(out, "state.json", files("1")));
        assertEquals("cannot use " + out + " for checkpoints: it holds other files, which each checkpoint would"
                + " replace; give a new or empty directory (e.g. a 'checkpoint' directory inside it)", e.getMessage());
        assertEquals(List.of("loss.csv"), names(out));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CheckpointDirectory.replace(empty, "state.json", files("1"));
        assertEquals(List.of("state.json", "weights"), names(empty));
    }

    @Test
    void noCheckpointIsAClearError(@TempDir Path dir) {
        TrainingException e = assertThrows(TrainingException.class,
                () -> CheckpointDirectory.locate(dir.resolve("none"), "state.json"));
        assertEquals("no training checkpoint in " + dir.resolve("none") + " (it has no state.json)", e.getMessage());
    }
}
