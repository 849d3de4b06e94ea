package dev.semstream.model.load;

import dev.semstream.model.ModelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsTest {
    private static final float[] VALUES = {1f, -2f, 0.5f, 3.25f, -0.125f, 1024f};

    @Test
    void writesAndReadsEachFloatWidth(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.safetensors");
        new SafetensorsWriter().metadata("format", "pt")
                .add("a", SafetensorsDtype.F32, new long[]{2, 3}, VALUES)
                .add("b", SafetensorsDtype.F16, new long[]{6}, VALUES)
                .add("c", SafetensorsDtype.BF16, new long[]{3, 2}, VALUES)
                .write(file);
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "data must start 8-byte aligned");
        assertEquals(8 + headerLength + 6 * 4 + 6 * 2 + 6 * 2, Files.size(file));
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals(Map.of("format", "pt"), r.metadata());
            assertEquals(List.of("a", "b", "c"), List.copyOf(r.tensors().keySet()));
            assertArrayEquals(new long[]{3, 2}, r.tensors().get("c").shape());
            assertEquals("BF16", r.tensors().get("c").dtype());
            // All six values are exact in every width.
            assertArrayEquals(VALUES, r.floats("a"));
            assertArrayEquals(VALUES, r.floats("b"));
            assertArrayEquals(VALUES, r.floats("c"));
        }
    }

    @Test
    void readsAFileWrittenByHand(@TempDir Path dir) throws IOException {
        // An unpadded header: the format does not require padding, so the reader must not assume it.
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putShort((short) 0x3C00)
                .putShort((short) 0x4000);
        Path file = raw(dir, "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]}}", data.array());
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertArrayEquals(new float[]{1.5f}, r.floats("x"));
            assertArrayEquals(new float[]{1f, 2f}, r.floats("h"));
            assertTrue(r.metadata().isEmpty());
        }
    }

    @Test
    void unknownDtypeIsRefusedWhenRead(@TempDir Path dir) throws IOException {
        Path file = raw(dir, "{\"q\":{\"dtype\":\"Q4_K\",\"shape\":[4],\"data_offsets\":[0,2]},"
                + "\"i\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[2,10]}}", new byte[10]);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            ModelException e = assertThrows(ModelException.class, () -> r.floats("q"));
            assertTrue(e.getMessage().contains("Q4_K") && e.getMessage().contains("q"), e.getMessage());
            e = assertThrows(ModelException.class, () -> r.floats("i"));
            assertTrue(e.getMessage().contains("I64"), e.getMessage());
            e = assertThrows(ModelException.class, () -> r.floats("absent"));
            assertTrue(e.getMessage().contains("absent"), e.getMessage());
        }
    }

    @Test
    void truncatedFilesAreRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("good.safetensors");
        new SafetensorsWriter().add("a", SafetensorsDtype.F32, new long[]{6}, VALUES).write(good);
        byte[] bytes = Files.readAllBytes(good);
        for (int length : new int[]{0, 5, 8, 20, bytes.length - 1}) {
            Path cut = dir.resolve("cut" + length + ".safetensors");
            Files.write(cut, Arrays.copyOf(bytes, length));
            ModelException e = assertThrows(ModelException.class, () -> SafetensorsReader.open(cut).close());
            assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        }
    }

    @Test
    void headerInconsistenciesAreRefused(@TempDir Path dir) throws IOException {
        String[] bad = {
                "[1, 2]",                                                                      // not an object
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",             // 4 bytes for 2 floats
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,400]}}",           // past the end
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",            // negative dim
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}",                                    // no offsets
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", // overflow
                "{not json",
        };
        for (int i = 0; i < bad.length; i++) {
            Path file = raw(dir, bad[i], new byte[4], "bad" + i + ".safetensors");
            ModelException e = assertThrows(ModelException.class, () -> SafetensorsReader.open(file).close(), bad[i]);
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void missingFileIsAModelException(@TempDir Path dir) {
        ModelException e = assertThrows(ModelException.class, () -> SafetensorsReader.open(dir.resolve("none.safetensors")));
        assertTrue(e.getMessage().contains("none.safetensors"), e.getMessage());
    }

    /** Builds a safetensors file from a literal header, for the cases the writer would never produce. */
    static Path raw(Path dir, String header, byte[] data) throws IOException {
        return raw(dir, header, data, "raw.safetensors");
    }

    static Path raw(Path dir, String header, byte[] data, String name) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }
}
