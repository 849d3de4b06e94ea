package dev.semstream.model.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.model.ModelException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes float tensors to a {@code .safetensors} file as F32, F16 or BF16, in the order they were added.
 * The header is padded with spaces to a multiple of 8 bytes, as the reference implementation does, so
 * the data starts aligned.
 *
 * <pre>{@code
 * new SafetensorsWriter().metadata("format", "pt")
 *         .add("embeddings.word_embeddings.weight", SafetensorsDtype.F32, new long[]{vocab, hidden}, values)
 *         .write(path);
 * }</pre>
 */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK_BYTES = 1 << 20;

    private record Pending(String name, SafetensorsDtype dtype, long[] shape, float[] values) {
    }

    private final List<Pending> tensors = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a {@code __metadata__} entry; Hugging Face writes {@code format: pt}. */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /**
     * Queues a tensor. The array is read at {@link #write} time, not copied now.
     *
     * @param dtype F32, F16 or BF16; the narrow types round to nearest even
     */
    public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, float[] values) {
        if (dtype != SafetensorsDtype.F32 && dtype != SafetensorsDtype.F16 && dtype != SafetensorsDtype.BF16) {
            throw new IllegalArgumentException("can only write float tensors as F32, F16 or BF16, not " + dtype);
        }
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " holds " + count
                    + " values, got " + values.length);
        }
        if (name.equals("__metadata__") || tensors.stream().anyMatch(t -> t.name().equals(name))) {
            throw new IllegalArgumentException("duplicate or reserved tensor name " + name);
        }
        tensors.add(new Pending(name, dtype, shape.clone(), values));
        return this;
    }

    /** Writes the file, replacing any existing one. */
    public void write(Path file) {
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            byte[] header = header();
            ByteBuffer prefix = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            prefix.putLong(header.length).put(header).flip();
            writeFully(out, prefix);
            ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Pending t : tensors) {
                writeValues(out, chunk, t);
            }
        } catch (IOException e) {
            throw new ModelException("cannot write safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    private byte[] header() {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Pending t : tensors) {
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long bytes = (long) t.values().length * t.dtype().byteSize();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = root.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeValues(FileChannel out, ByteBuffer chunk, Pending t) throws IOException {
        float[] v = t.values();
        int perChunk = CHUNK_BYTES / t.dtype().byteSize();
        for (int off = 0; off < v.length; off += perChunk) {
            int n = Math.min(perChunk, v.length - off);
            chunk.clear();
            switch (t.dtype()) {
                case F32 -> {
                    chunk.asFloatBuffer().put(v, off, n);
                    chunk.position(n * Float.BYTES);
                }
                case F16 -> {
                    for (int i = 0; i < n; i++) {
                        chunk.putShort(HalfFloats.floatToF16(v[off + i]));
                    }
                }
                case BF16 -> {
                    for (int i = 0; i < n; i++) {
                        chunk.putShort(HalfFloats.floatToBf16(v[off + i]));
                    }
                }
                default -> throw new IllegalStateException("unreachable: " + t.dtype());
            }
            chunk.flip();
            writeFully(out, chunk);
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
