package dev.semstream.bench;

import org.apache.lucene.codecs.hnsw.DefaultFlatVectorScorer;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.KnnCollector;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.util.Version;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.hnsw.HnswGraphBuilder;
import org.apache.lucene.util.hnsw.HnswGraphSearcher;
import org.apache.lucene.util.hnsw.OnHeapHnswGraph;
import org.apache.lucene.util.hnsw.RandomVectorScorer;
import org.apache.lucene.util.hnsw.RandomVectorScorerSupplier;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Lucene's HNSW graph over the benchmark's vectors, through its graph API (no index, no codec), dot-product
 * similarity (cosine for unit vectors, and Lucene's fastest). One source for both Lucene lines the build
 * uses: 9.12 on JDK 17 and 10.x on JDK 21+ (the lucene-10 profile). Their graph API is the same but for the
 * type of in-memory vector values ({@code RandomAccessVectorValues.Floats} in 9, {@code FloatVectorValues}
 * in 10), so the three calls that take it go through method handles found once.
 */
final class LuceneHnsw {
    private static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;
    private static final MethodHandle FROM_FLOATS;
    private static final MethodHandle SCORER_SUPPLIER;
    private static final MethodHandle SCORER;

    static {
        try {
            Method fromFloats = fromFloats();
            Class<?> values = fromFloats.getReturnType();
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            FROM_FLOATS = lookup.unreflect(fromFloats).asType(MethodType.methodType(Object.class, List.class, int.class));
            SCORER_SUPPLIER = lookup.unreflect(scorerMethod("getRandomVectorScorerSupplier", values))
                    .asType(MethodType.methodType(RandomVectorScorerSupplier.class, DefaultFlatVectorScorer.class,
                            VectorSimilarityFunction.class, Object.class));
            SCORER = lookup.unreflect(scorerMethod("getRandomVectorScorer", values, float[].class))
                    .asType(MethodType.methodType(RandomVectorScorer.class, DefaultFlatVectorScorer.class,
                            VectorSimilarityFunction.class, Object.class, float[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object vectors;
    private final OnHeapHnswGraph graph;

    LuceneHnsw(float[][] data, int dim, int m, int efConstruction) throws IOException {
        try {
            vectors = FROM_FLOATS.invokeExact((List<?>) Arrays.asList(data), dim);
            RandomVectorScorerSupplier scorers = (RandomVectorScorerSupplier) SCORER_SUPPLIER.invokeExact(
                    DefaultFlatVectorScorer.INSTANCE, SIMILARITY, vectors);
            graph = HnswGraphBuilder.create(scorers, m, efConstruction, 42).build(data.length);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ids of the k nearest by Lucene's graph, with a beam of at least k. */
    int[] search(float[] query, int ef, int k) throws IOException {
        RandomVectorScorer scorer;
        try {
            scorer = (RandomVectorScorer) SCORER.invokeExact(DefaultFlatVectorScorer.INSTANCE, SIMILARITY, vectors, query);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
        KnnCollector collector = HnswGraphSearcher.search(scorer, Math.max(ef, k), graph, null, Integer.MAX_VALUE);
        ScoreDoc[] docs = collector.topDocs().scoreDocs;
        int[] out = new int[Math.min(k, docs.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = docs[i].doc;
        }
        return out;
    }

    /**
     * Whether Lucene scores with its SIMD (Panama) code in this JVM, by Lucene's own account: the class
     * behind {@code VectorUtil} (what the flat vector scorer calls) and the lines Lucene logged through
     * java.util.logging while choosing it. Call before anything else touches Lucene, so the log is caught.
     */
    static Vectorization vectorization() {
        List<String> lines = new ArrayList<>();
        Logger logger = Logger.getLogger("org.apache.lucene.internal.vectorization");
        SimpleFormatter format = new SimpleFormatter();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getLevel() + ": " + format.formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            VectorUtil.dotProduct(new float[] {1f}, new float[] {1f}); // makes Lucene choose its implementation
            Field impl = VectorUtil.class.getDeclaredField("IMPL");
            impl.setAccessible(true);
            String name = impl.get(null).getClass().getSimpleName();
            return new Vectorization(Version.LATEST.toString(), name, name.startsWith("Panama"), List.copyOf(lines));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new Vectorization(Version.LATEST.toString(), "unknown (" + e + ")", false, List.copyOf(lines));
        } finally {
            logger.removeHandler(capture);
        }
    }

    /** Lucene's version, the VectorUtil implementation it chose, whether that is its SIMD one, and its log. */
    record Vectorization(String luceneVersion, String implementation, boolean simd, List<String> log) {
        String summary() {
            return "Lucene " + luceneVersion + " scores with " + implementation + " (SIMD " + (simd ? "on" : "OFF") + ")"
                    + (log.isEmpty() ? "" : "; it logged: " + String.join(" | ", log));
        }
    }

    /** {@code FloatVectorValues.fromFloats} (Lucene 10) or {@code RandomAccessVectorValues.fromFloats} (9). */
    private static Method fromFloats() throws ReflectiveOperationException {
        for (String type : new String[] {"org.apache.lucene.index.FloatVectorValues",
                "org.apache.lucene.util.hnsw.RandomAccessVectorValues"}) {
            try {
                return Class.forName(type).getMethod("fromFloats", List.class, int.class);
            } catch (ClassNotFoundException | NoSuchMethodException notThisLine) {
                // try the other Lucene line
            }
        }
        throw new NoSuchMethodException("fromFloats(List, int) in neither Lucene 9 nor 10");
    }

    /** The scorer method of that name whose vector-values parameter takes {@code values}. */
    private static Method scorerMethod(String name, Class<?> values, Class<?>... rest) throws NoSuchMethodException {
        for (Method m : DefaultFlatVectorScorer.class.getMethods()) {
            Class<?>[] p = m.getParameterTypes();
            if (m.getName().equals(name) && p.length == 2 + rest.length && p[1].isAssignableFrom(values)
                    && Arrays.equals(Arrays.copyOfRange(p, 2, p.length), rest)) {
                return m;
            }
        }
        throw new NoSuchMethodException(name + " taking " + values.getName());
    }
}
