package dev.semstream.model.load;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxGraphDumpTest {
    private static final OnnxModel MODEL = OnnxModelReader.read(TinyBertOnnx.builder(TestEncoders.TINY,
            TestEncoders.random(TestEncoders.TINY, 1, x -> x), TinyBertOnnx.Style.pytorch()).build(), "tiny.onnx");

    @Test
    void listsInitializersWithTheirShapesAndEveryNode() {
        String out = dump(List.of());
        assertTrue(out.contains("embeddings.word_embeddings.weight FLOAT[100, 32]"), out);
        assertTrue(out.contains("MatMul '"), out);
        assertTrue(out.contains("Erf '"), out);
    }

    @Test
    void opTypesGivenListOnlyThoseNodes() {
        String out = dump(List.of("Erf"));
        assertTrue(out.contains("Erf '"), out);
        assertFalse(out.contains("MatMul '"), out);
    }

    private static String dump(List<String> opTypes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OnnxGraphDump.dump(MODEL, opTypes, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
