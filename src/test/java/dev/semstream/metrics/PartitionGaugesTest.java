package dev.semstream.metrics;

import dev.semstream.store.IndexConfig;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.store.VectorEncoding;
import dev.semstream.store.VectorEntry;
import dev.semstream.store.VectorIndex;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The partitions' index gauges in a scrape, memory per vector by model and encoding among them. */
class PartitionGaugesTest {
    private static final String MODEL = "m@1";
    private static final String OTHER = "n@2";
    private static final int DIM = 64;

    @Test
    void bytesPerVectorAreScrapedPerPartitionAndEncoding() {
        QueryableIndexes indexes = new QueryableIndexes();
        VectorIndex floats = filled(VectorEncoding.FLOAT);
        VectorIndex int8 = filled(VectorEncoding.INT8);
        indexes.register(MODEL, 0, floats);
        indexes.register(MODEL, 1, int8);
        try (Metrics metrics = new Metrics()) {
            metrics.watch(indexes);
            ScrapedSeries scrape = new ScrapedSeries(metrics.scrape());
            assertEquals(50.0, scrape.value("semstream_index_vectors", "partition", "1").orElseThrow());
            double floatBytes = scrape.value("semstream_index_bytes_per_vector", "partition", "0", "encoding", "float")
                    .orElseThrow();
            double int8Bytes = scrape.value("semstream_index_bytes_per_vector", "partition", "1", "encoding", "int8")
                    .orElseThrow();
            assertEquals(floats.memory().heapBytesPerVector(), floatBytes, 1e-9);
            assertEquals(int8.memory().heapBytesPerVector(), int8Bytes, 1e-9);
            // The same graph (the same seeded levels); the rows: 4 bytes a dimension and a norm, against 1 byte a
            // dimension, two norms and a scale.
            assertEquals(4 * DIM + 4 - (DIM + 12), floatBytes - int8Bytes, 1e-9);
            assertEquals(DIM * 4.0, scrape.value("semstream_index_offheap_bytes_per_vector", "partition", "1",
                    "encoding", "int8").orElseThrow());
            assertEquals(0.0, scrape.value("semstream_index_offheap_bytes_per_vector", "partition", "0",
                    "encoding", "float").orElseThrow());
        }
    }

    @Test
    void everyModelsIndexesAreScrapedEachUnderItsOwnModelLabel() {
        QueryableIndexes indexes = new QueryableIndexes();
        indexes.register(MODEL, 0, filled(MODEL, VectorEncoding.FLOAT));
        indexes.register(OTHER, 0, filled(OTHER, VectorEncoding.INT8));
        indexes.activate(MODEL);
        try (Metrics metrics = new Metrics()) {
            metrics.watch(indexes);
            ScrapedSeries scrape = new ScrapedSeries(metrics.scrape());
            assertEquals(50.0, scrape.value("semstream_index_vectors", "model", OTHER, "partition", "0").orElseThrow(),
                    "a model other than the active one is reported too");
            assertEquals(indexes.snapshot(OTHER).get(0).memory().heapBytesPerVector(),
                    scrape.value("semstream_index_bytes_per_vector", "model", OTHER, "partition", "0",
                            "encoding", "int8").orElseThrow(), 1e-9);
            assertEquals(indexes.snapshot(MODEL).get(0).memory().heapBytesPerVector(),
                    scrape.value("semstream_index_bytes_per_vector", "model", MODEL, "partition", "0",
                            "encoding", "float").orElseThrow(), 1e-9);
        }
    }

    private static VectorIndex filled(VectorEncoding encoding) {
        return filled(MODEL, encoding);
    }

    private static VectorIndex filled(String model, VectorEncoding encoding) {
        VectorIndex index = new VectorIndex(IndexConfig.of(model, DIM).withVectorEncoding(encoding));
        Random rnd = new Random(3);
        for (int i = 0; i < 50; i++) {
            float[] v = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                v[d] = (float) rnd.nextGaussian();
            }
            index.upsert(new VectorEntry("v" + i, v, model));
        }
        return index;
    }
}
