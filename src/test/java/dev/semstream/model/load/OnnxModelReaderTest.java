package dev.semstream.model.load;

import dev.semstream.model.ModelException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class OnnxModelReaderTest {

    @Test
    void decodesInitializersNodesAttributesAndGraphIo() {
        OnnxBuilder b = new OnnxBuilder().input("x").input("w").output("y");
        b.initializer("w", OnnxBuilder.floatTensor("w", new long[]{2, 3}, new float[]{1, 2, 3, 4, 5, 6}, true));
        b.initializer("typed", OnnxBuilder.floatTensor("typed", new long[]{3}, new float[]{-1, 0.5f, 7}, false));
        b.initializer("shape", OnnxBuilder.int64Tensor("shape", new long[]{4}, new long[]{-1, 0, 12, 32}));
        b.node("MatMul", "/m/MatMul", List.of("x", "w"), List.of("y"),
                OnnxBuilder.attrFloat("epsilon", 1e-5f), OnnxBuilder.attrInt("axis", -1),
                OnnxBuilder.attrInts("perm", 0, 2, 1, 3));
        OnnxModel m = OnnxModelReader.read(b.build(), "test");

        assertEquals(6, m.irVersion());
        assertEquals(11, m.opsetVersion());
        assertEquals("pytorch", m.producerName());
        OnnxGraph g = m.graph();
        // "w" is both an initializer and a listed input (legal before IR 4); only true inputs remain.
        assertEquals(List.of("x"), g.inputs());
        assertEquals(List.of("y"), g.outputs());
        assertEquals(List.of("w", "typed", "shape"), List.copyOf(g.initializers().keySet()));
        assertArrayEquals(new long[]{2, 3}, g.initializer("w").dims());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, g.initializer("w").toFloats());
        assertArrayEquals(new float[]{-1, 0.5f, 7}, g.initializer("typed").toFloats());
        assertArrayEquals(new long[]{-1, 0, 12, 32}, g.initializer("shape").toLongs());

        OnnxNode n = g.nodes().get(0);
        assertEquals("MatMul", n.opType());
        assertEquals("/m/MatMul", n.name());
        assertEquals(List.of("x", "w"), n.inputs());
        assertEquals(1e-5f, n.attribute("epsilon").f());
        assertEquals(-1, n.attribute("axis").i());
        assertArrayEquals(new long[]{0, 2, 1, 3}, n.attribute("perm").ints());
        assertNull(n.attribute("absent"));
    }

    @Test
    void unpackedRepeatedFieldsDecodeLikePackedOnes() {
        // dims as two separate varints, float_data as separate fixed32s: legal and written by some tools.
        ProtoWriter t = new ProtoWriter().varint(1, 2).varint(1, 1).varint(2, OnnxDataType.FLOAT)
                .string(8, "t").float32(4, 1.5f).float32(4, -2f);
        byte[] model = model(new ProtoWriter().message(5, t));
        OnnxTensor tensor = OnnxModelReader.read(model, "test").graph().initializer("t");
        assertArrayEquals(new long[]{2, 1}, tensor.dims());
        assertArrayEquals(new float[]{1.5f, -2f}, tensor.toFloats());
    }

    @Test
    void halfPrecisionRawDataWidensToFloat() {
        ByteBuffer raw = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x0001);
        ProtoWriter f16 = new ProtoWriter().packedVarints(1, new long[]{3}).varint(2, OnnxDataType.FLOAT16)
                .string(8, "h").bytes(9, raw.array());
        ByteBuffer rawBf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) 0x3F80).putShort((short) 0xC0A0);
        ProtoWriter bf16 = new ProtoWriter().packedVarints(1, new long[]{2}).varint(2, OnnxDataType.BFLOAT16)
                .string(8, "b").bytes(9, rawBf.array());
        OnnxGraph g = OnnxModelReader.read(model(new ProtoWriter().message(5, f16).message(5, bf16)), "t").graph();
        assertArrayEquals(new float[]{1f, -2f, 0x1p-24f}, g.initializer("h").toFloats());
        assertArrayEquals(new float[]{1f, -5f}, g.initializer("b").toFloats());
    }

    @Test
    void wrongDataTypeForTheRequestedValuesIsAModelException() {
        OnnxBuilder b = new OnnxBuilder();
        b.initializer("ints", OnnxBuilder.int64Tensor("ints", new long[]{2}, new long[]{1, 2}));
        b.initializer("floats", OnnxBuilder.floatTensor("floats", new long[]{1}, new float[]{1}, true));
        OnnxGraph g = OnnxModelReader.read(b.build(), "t").graph();
        ModelException e = assertThrows(ModelException.class, () -> g.initializer("ints").toFloats());
        assertTrue(e.getMessage().contains("ints") && e.getMessage().contains("INT64"), e.getMessage());
        e = assertThrows(ModelException.class, () -> g.initializer("floats").toLongs());
        assertTrue(e.getMessage().contains("FLOAT"), e.getMessage());
    }

    @Test
    void rawDataOfTheWrongLengthIsAModelException() {
        ProtoWriter t = new ProtoWriter().packedVarints(1, new long[]{4}).varint(2, OnnxDataType.FLOAT)
                .string(8, "short").bytes(9, new byte[12]);
        OnnxTensor tensor = OnnxModelReader.read(model(new ProtoWriter().message(5, t)), "t").graph().initializer("short");
        ModelException e = assertThrows(ModelException.class, tensor::toFloats);
        assertTrue(e.getMessage().contains("12 bytes of raw_data, expected 16"), e.getMessage());
    }

    @Test
    void externalDataIsRefusedWithAnExplanation() {
        ProtoWriter t = new ProtoWriter().packedVarints(1, new long[]{4}).varint(2, OnnxDataType.FLOAT)
                .string(8, "ext").varint(14, 1);
        OnnxTensor tensor = OnnxModelReader.read(model(new ProtoWriter().message(5, t)), "t").graph().initializer("ext");
        ModelException e = assertThrows(ModelException.class, tensor::toFloats);
        assertTrue(e.getMessage().contains("external"), e.getMessage());
    }

    @Test
    void notAnOnnxFileIsAModelException() {
        ModelException e = assertThrows(ModelException.class, () -> OnnxModelReader.read(new byte[0], "empty"));
        assertTrue(e.getMessage().contains("no graph"), e.getMessage());
        byte[] text = "{\"this\": \"is json\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThrows(ModelException.class, () -> OnnxModelReader.read(text, "json"));
    }

    @Test
    void truncationInsideAMessageIsReportedAsSuch() {
        byte[] full = TinyBertOnnx.builder(TestEncoders.TINY, TestEncoders.random(TestEncoders.TINY, 1, x -> x),
                TinyBertOnnx.Style.pytorch()).build();
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        ModelException e = assertThrows(ModelException.class, () -> OnnxModelReader.read(cut, "half.onnx"));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("half.onnx"), e.getMessage());
    }

    /**
     * Truncated and corrupted files must fail as ModelException (or, when the damage happens to leave a
     * valid model, load or fail mapping cleanly): never an IndexOutOfBounds or NegativeArraySize.
     */
    @Test
    void damagedBytesNeverEscapeAsAnythingButModelException() {
        byte[] full = TinyBertOnnx.builder(TestEncoders.TINY, TestEncoders.random(TestEncoders.TINY, 2, x -> x),
                TinyBertOnnx.Style.pytorch()).build();
        SplittableRandom r = new SplittableRandom(42);
        for (int trial = 0; trial < 1500; trial++) {
            byte[] damaged;
            if (trial % 3 == 0) {
                damaged = Arrays.copyOf(full, r.nextInt(full.length));
            } else {
                damaged = full.clone();
                for (int k = 0; k < 1 + r.nextInt(4); k++) {
                    damaged[r.nextInt(damaged.length)] = (byte) r.nextInt(256);
                }
            }
            try {
                OnnxModel m = OnnxModelReader.read(damaged, "damaged");
                OnnxBertMapper.map(m.graph(), "damaged", OptionalInt.of(4));
            } catch (ModelException expected) {
                // fine: a clear refusal
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("trial " + trial + " escaped as " + e, e);
            }
        }
    }

    private static byte[] model(ProtoWriter graph) {
        return new ProtoWriter().varint(1, 7).message(7, graph).toByteArray();
    }
}
