package dev.semstream.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The map's sample: bounded, uniform, deterministic, and mergeable across instances. */
class VectorSampleTest {
    private static final String MODEL = "test@1";
    private static final int D = 4;

    @Test
    void theSampleIsBoundedAndEveryPartOfTheStoreIsEquallyLikelyToBeInIt() {
        VectorSample sample = new VectorSample(MODEL, D, 5_000, 42);
        for (int n = 0; n < 100_000; n++) {
            sample.offer("doc-" + n, new float[]{n, 0, 0, 0});
        }
        assertEquals(5_000, sample.size());
        assertEquals(100_000, sample.offered());
        assertTrue(sample.truncated());
        // Twenty slices of the store (by insertion order, which the ids follow): 250 expected in each.
        int[] perSlice = new int[20];
        for (VectorSample.Row r : sample.rows()) {
            perSlice[(int) r.vector()[0] / 5_000]++;
        }
        double chiSquare = 0;
        for (int c : perSlice) {
            chiSquare += (c - 250.0) * (c - 250.0) / 250.0;
        }
        // 19 degrees of freedom: 43.8 is the 0.999 quantile.
        assertTrue(chiSquare < 43.8, "chi-square " + chiSquare + " over slices " + java.util.Arrays.toString(perSlice));
    }

    @Test
    void theSampleDependsOnTheIdsAndTheSeedNotOnTheOrder() {
        List<String> ids = new ArrayList<>();
        for (int n = 0; n < 3_000; n++) {
            ids.add("x" + n);
        }
        VectorSample a = new VectorSample(MODEL, D, 100, 5);
        VectorSample b = new VectorSample(MODEL, D, 100, 5);
        ids.forEach(id -> a.offer(id, new float[D]));
        List<String> shuffled = new ArrayList<>(ids);
        java.util.Collections.shuffle(shuffled, new Random(1));
        shuffled.forEach(id -> b.offer(id, new float[D]));
        assertEquals(idsOf(a), idsOf(b));
        VectorSample otherSeed = new VectorSample(MODEL, D, 100, 6);
        ids.forEach(id -> otherSeed.offer(id, new float[D]));
        assertFalse(idsOf(a).equals(idsOf(otherSeed)), "another seed draws another sample");
    }

    @Test
    void aStoreSmallerThanTheSampleIsTakenWholeAndTheKeptVectorsAreCopies() {
        VectorSample sample = new VectorSample(MODEL, D, 10, 1);
        float[] v = {1, 2, 3, 4};
        sample.offer("a", v);
        v[0] = 99;
        assertEquals(1, sample.size());
        assertFalse(sample.truncated());
        assertEquals(1f, sample.rows().get(0).vector()[0]);
    }

    @Test
    void mergedSamplesOfUnequalStoresAreAUniformSampleOfTheirUnion() {
        // One instance holds 90% of the vectors, the other 10%; each draws at most 2,000.
        VectorSample big = new VectorSample(MODEL, D, 2_000, 3);
        VectorSample small = new VectorSample(MODEL, D, 2_000, 3);
        for (int n = 0; n < 45_000; n++) {
            big.offer("big-" + n, new float[D]);
        }
        for (int n = 0; n < 5_000; n++) {
            small.offer("small-" + n, new float[D]);
        }
        VectorSample merged = VectorSample.merge(MODEL, D, 3_000, 3, List.of(big, small));
        long fromSmall = merged.rows().stream().filter(r -> r.id().startsWith("small-")).count();
        double share = fromSmall / (double) merged.size();
        assertTrue(merged.size() >= 2_000 && merged.size() <= 3_000, "size " + merged.size());
        assertEquals(0.1, share, 0.02, "the small store's share of the sample is its share of the vectors");
        // The same as one instance drawing from the whole store: the union's smallest keys.
        VectorSample whole = new VectorSample(MODEL, D, merged.size(), 3);
        for (VectorSample part : List.of(big, small)) {
            for (int n = 0; n < (part == big ? 45_000 : 5_000); n++) {
                whole.offer((part == big ? "big-" : "small-") + n, new float[D]);
            }
        }
        assertEquals(idsOf(whole), idsOf(merged));
        assertTrue(merged.truncated());
    }

    @Test
    void anIdInTwoPartsCountsOnceAndUntruncatedPartsMergeWhole() {
        VectorSample a = new VectorSample(MODEL, D, 10, 1);
        VectorSample b = new VectorSample(MODEL, D, 10, 1);
        a.offer("shared", new float[D]);
        a.offer("a-only", new float[D]);
        b.offer("shared", new float[D]);
        VectorSample merged = VectorSample.merge(MODEL, D, 10, 1, List.of(a, b));
        assertEquals(List.of("a-only", "shared").stream().sorted().toList(), idsOf(merged).stream().sorted().toList());
        assertFalse(merged.truncated());
    }

    @Test
    void anIndexOffersOnlyItsLiveVectorsAndNoneOfAnotherModel() {
        VectorIndex index = new VectorIndex(IndexConfig.of(MODEL, D));
        index.upsert("keep", new float[]{1, 0, 0, 0}, MODEL, null, null);
        index.upsert("gone", new float[]{0, 1, 0, 0}, MODEL, null, null);
        index.upsert("moved", new float[]{0, 0, 1, 0}, MODEL, null, null);
        index.upsert("moved", new float[]{0, 0, 0, 1}, MODEL, null, null);
        index.delete("gone");
        VectorSample sample = new VectorSample(MODEL, D, 10, 1);
        index.sample(sample);
        assertEquals(List.of("keep", "moved"), idsOf(sample).stream().sorted().toList());
        assertEquals(1f, sample.rows().stream().filter(r -> r.id().equals("moved")).findFirst().orElseThrow()
                .vector()[3]);
        VectorSample otherModel = new VectorSample("other@2", D, 10, 1);
        index.sample(otherModel);
        assertEquals(0, otherModel.size());
        assertEquals(0, otherModel.offered());
        MapPoints points = new MapPoints();
        index.project(new PlaneProjection("other@2", new float[D], new float[D], new float[D]), null, points);
        assertEquals(0, points.size());
    }

    private static List<String> idsOf(VectorSample s) {
        return s.rows().stream().map(VectorSample.Row::id).toList();
    }
}
