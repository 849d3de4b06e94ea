package dev.semstream.model.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.model.ModelException;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a {@code .safetensors} file: an 8-byte little-endian header length, a JSON header
 * {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {..}}}, then the raw
 * little-endian tensor bytes. Tensors are memory-mapped one at a time and converted straight into float[],
 * so the file itself never lands on the heap (and files over 2 GB work, as long as each tensor is under 2 GB).
 *
 * <p>The header is validated when the file is opened (offsets inside the file, byte counts matching
 * dtype and shape); a tensor's dtype is only checked when that tensor is read, so a file may carry
 * tensors of types this reader cannot convert as long as nobody asks for them.
 */
public final class SafetensorsReader implements Closeable {
    /** The reference implementation refuses headers above 100 MB; so do we, before allocating. */
    private static final long MAX_HEADER_BYTES = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, SafetensorsTensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, long dataStart, Map<String, SafetensorsTensorInfo> tensors,
                              Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens the file and parses its header. Close the reader when done (mapped tensors stay valid). */
    public static SafetensorsReader open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new ModelException("safetensors file not found: " + file, e);
        } catch (IOException e) {
            throw new ModelException("cannot open safetensors file " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(file, channel);
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof ModelException me) {
                throw me;
            }
            throw new ModelException("cannot read safetensors file " + file + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsReader parse(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new ModelException("safetensors file " + file + " is " + size + " bytes, too short for a header");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 2 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
            throw new ModelException("safetensors file " + file + " declares a " + headerLength
                    + "-byte header but is " + size + " bytes long: truncated or not a safetensors file");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        JsonNode header;
        try {
            header = JSON.readTree(headerBytes.array());
        } catch (IOException e) {
            throw new ModelException("safetensors file " + file + " has a malformed JSON header: " + e.getMessage(), e);
        }
        if (header == null || !header.isObject()) {
            throw new ModelException("safetensors file " + file + " has a header that is not a JSON object");
        }
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        Map<String, SafetensorsTensorInfo> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
            } else {
                tensors.put(e.getKey(), entry(file, e.getKey(), e.getValue(), dataSize));
            }
        }
        return new SafetensorsReader(file, channel, dataStart, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata));
    }

    private static SafetensorsTensorInfo entry(Path file, String name, JsonNode node, long dataSize) {
        String where = "tensor " + name + " in " + file;
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        JsonNode offsets = node.get("data_offsets");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray() || offsets == null
                || !offsets.isArray() || offsets.size() != 2) {
            throw new ModelException(where + ": header entry needs dtype, shape and data_offsets [begin, end], got " + node);
        }
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) {
                throw new ModelException(where + ": bad dimension " + shape.get(i) + " in shape " + shape);
            }
            dims[i] = shape.get(i).asLong();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataSize) {
            throw new ModelException(where + ": data_offsets " + offsets + " fall outside the " + dataSize
                    + " data bytes (file truncated?)");
        }
        SafetensorsTensorInfo info = new SafetensorsTensorInfo(name, dtype.asText(), dims, begin, end);
        Optional<SafetensorsDtype> known = SafetensorsDtype.parse(info.dtype());
        long count;
        try {
            count = info.elementCount();
        } catch (ArithmeticException e) {
            throw new ModelException(where + ": shape " + shape + " overflows", e);
        }
        if (known.isPresent() && (count > Long.MAX_VALUE / 8 || end - begin != count * known.get().byteSize())) {
            throw new ModelException(where + ": " + (end - begin) + " bytes for " + info.dtype()
                    + Arrays.toString(dims) + ", expected " + count * known.get().byteSize());
        }
        return info;
    }

    /** Tensor entries by name, in header order; {@code __metadata__} is not among them. */
    public Map<String, SafetensorsTensorInfo> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__} strings (e.g. {@code format: pt}), possibly empty. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public Path file() {
        return file;
    }

    /** Reads one tensor as float32, widening F16, BF16 (and narrowing F64). */
    public float[] floats(String name) {
        SafetensorsTensorInfo info = tensors.get(name);
        if (info == null) {
            throw new ModelException("safetensors file " + file + " has no tensor " + name);
        }
        SafetensorsDtype dtype = SafetensorsDtype.parse(info.dtype())
                .filter(SafetensorsDtype::isReadableAsFloat)
                .orElseThrow(() -> new ModelException("tensor " + name + " in " + file + " has dtype '"
                        + info.dtype() + "', expected F32, F16 or BF16 (or F64)"));
        long count = info.elementCount();
        if (count > Integer.MAX_VALUE - 8) {
            throw new ModelException("tensor " + info + " in " + file + " is too large for one Java array");
        }
        ByteBuffer data = map(info);
        float[] out = new float[(int) count];
        switch (dtype) {
            case F32 -> data.asFloatBuffer().get(out);
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloats.f16ToFloat(data.getShort(2 * i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfFloats.bf16ToFloat(data.getShort(2 * i));
                }
            }
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) data.getDouble(8 * i);
                }
            }
            default -> throw new IllegalStateException("unreachable: " + dtype);
        }
        return out;
    }

    private ByteBuffer map(SafetensorsTensorInfo info) {
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, dataStart + info.begin(), info.end() - info.begin())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ModelException("cannot map tensor " + info.name() + " of " + file + ": " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer dst, long position) throws IOException {
        while (dst.hasRemaining()) {
            int n = channel.read(dst, position + dst.position());
            if (n < 0) {
                throw new ModelException("unexpected end of file reading a safetensors header");
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new ModelException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
