package dev.semstream.topology;

import dev.semstream.store.VectorEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --vector-encoding}'s value: one encoding for every model, or one per model with a default. */
class VectorEncodingsTest {
    private static final String BGE = "bge-small-en-v1.5@0123456789ab";
    private static final String MINILM = "all-MiniLM-L6-v2@ba9876543210";

    @Test
    void oneEncodingIsEveryModels() {
        VectorEncodings e = VectorEncodings.parse("INT8");
        assertEquals(VectorEncoding.INT8, e.forModel(BGE));
        assertEquals(VectorEncoding.INT8, e.forModel(MINILM));
        assertEquals("int8", e.toString());
    }

    @Test
    void aModelNamedAloneGetsItsEncodingAndTheRestFloat() {
        VectorEncodings e = VectorEncodings.parse("bge-small-en-v1.5=int8");
        assertEquals(VectorEncoding.INT8, e.forModel(BGE), "the name covers every id of that name");
        assertEquals(VectorEncoding.FLOAT, e.forModel(MINILM), "float when no default is given");
        assertEquals("float,bge-small-en-v1.5=int8", e.toString());
    }

    @Test
    void aBareDefaultAnywhereInTheListAndAFullIdThatWinsOverItsName() {
        VectorEncodings e = VectorEncodings.parse(" bge-small-en-v1.5 = int8, bf16 ," + BGE + "=float");
        assertEquals(VectorEncoding.FLOAT, e.forModel(BGE), "the full id is more precise than the name");
        assertEquals(VectorEncoding.INT8, e.forModel("bge-small-en-v1.5@ffffffffffff"));
        assertEquals(VectorEncoding.BF16, e.forModel(MINILM));
        assertEquals(VectorEncoding.BF16, e.forModel("no-at-sign"));
        assertEquals("bf16,bge-small-en-v1.5=int8," + BGE + "=float", e.toString());
        assertEquals(e, VectorEncodings.parse(e.toString()), "toString is the form parse reads");
    }

    @Test
    void aModelNameIsMatchedWholeNotAsAPrefix() {
        VectorEncodings e = VectorEncodings.parse("float,bge=int8");
        assertEquals(VectorEncoding.FLOAT, e.forModel(BGE));
        assertEquals(VectorEncoding.INT8, e.forModel("bge@0123456789ab"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "fp8|unknown vector encoding 'fp8'; expected one of float, bf16, int8",
            "bge-small-en-v1.5=fp8|unknown vector encoding 'fp8'",
            "bge-small-en-v1.5=|unknown vector encoding ''",
            "=int8|no model before '=' in '=int8'",
            "float,,bge=int8|empty item in vector encodings 'float,,bge=int8'",
            "bge=int8,|empty item",
            "bge=int8,bge=bf16|model bge is given twice",
            "float,int8|two default vector encodings in 'float,int8' (float and int8)"})
    void aBadValueSaysWhatIsWrong(String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorEncodings.parse(value));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
