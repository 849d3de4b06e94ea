package dev.semstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {

    @Test
    void simdFlagsKeepEveryAvx512SubsetIncludingTheUnderscoredOnes() {
        String flags = "fpu sse2 ssse3 fma avx avx2 bmi2 avx512f avx512dq avx512ifma avx512cd avx512bw avx512vl "
                + "avx512_bf16 avx512vbmi avx512_vbmi2 avx512_vnni avx512_bitalg avx512_vpopcntdq sha_ni";
        assertEquals(List.of("avx2", "avx512_bf16", "avx512_bitalg", "avx512_vbmi2", "avx512_vnni", "avx512_vpopcntdq",
                "avx512bw", "avx512cd", "avx512dq", "avx512f", "avx512ifma", "avx512vbmi", "avx512vl", "fma"),
                Machine.simdFlags(flags));
        assertEquals(List.of("avx2", "fma"), Machine.simdFlags("sse4_2 avx avx2 fma f16c"));
    }

    @Test
    void theFileHoldsTheMachineTheSettingsAndTheRows() throws Exception {
        BenchReport report = BenchReport.of("report-test");
        report.root().put("vectors", 5000);
        report.addRow().put("efSearch", 10).put("qps", BenchReport.round(1234.5678, 1));
        report.addRow().put("efSearch", 20).put("qps", BenchReport.round(Double.NaN, 1));
        Path file = report.write();
        try {
            assertEquals(Path.of("target", "bench", "report-test.json"), file);
            JsonNode json = new ObjectMapper().readTree(Files.readString(file));
            assertEquals("report-test", json.get("benchmark").asText());
            assertEquals(5000, json.get("vectors").asInt());
            JsonNode machine = json.get("machine");
            assertEquals(Runtime.getRuntime().availableProcessors(), machine.get("cores").asInt());
            assertEquals(dev.semstream.kernels.Kernels.best().name(), machine.get("kernels").asText());
            assertTrue(machine.get("jdk").asText().contains(Runtime.version().toString()), machine.toString());
            assertTrue(machine.get("simdFlags").isArray());
            assertFalse(machine.get("date").asText().isEmpty());
            assertEquals(2, json.get("rows").size());
            assertEquals(1234.6, json.get("rows").get(0).get("qps").asDouble());
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
