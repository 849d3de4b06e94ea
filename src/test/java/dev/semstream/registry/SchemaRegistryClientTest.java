package dev.semstream.registry;

import dev.semstream.embedded.EmbeddedSchemaRegistry;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The REST client against a real registry (Apicurio's Confluent-compatible API, started as a child process). */
class SchemaRegistryClientTest {
    static final Schema V1 = parse("""
            {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"id","type":"string"}]}""");
    static final Schema V2_WITH_DEFAULT = parse("""
            {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"id","type":"string"},
             {"name":"lang","type":"string","default":"en"}]}""");
    static final Schema V2_WITHOUT_DEFAULT = parse("""
            {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"id","type":"string"},
             {"name":"lang","type":"string"}]}""");

    static EmbeddedSchemaRegistry registry;
    static SchemaRegistryClient client;

    @BeforeAll
    static void startRegistry() {
        registry = EmbeddedSchemaRegistry.start();
        System.out.println("schema registry started in " + registry.startupTime().toMillis() + " ms at " + registry.url());
        client = new SchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) registry.close();
    }

    /** Each test its own subject, so tests neither see nor depend on each other's registrations. */
    static String subject(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName() + "-value";
    }

    @Test
    void registersAndFetchesById(TestInfo test) {
        int id = client.register(subject(test), V1);
        assertEquals(id, client.register(subject(test), V1), "registering again is a no-op with the same id");
        assertEquals(V1, new SchemaRegistryClient(registry.url()).schemaById(id), "a fresh client (no cache) fetches it");
    }

    @Test
    void clientsRegisteringTheSameNewSchemaAtOnceAllGetItsId(TestInfo test) throws Exception {
        // Two embedder instances starting together both register the embeddings schema: Apicurio answers
        // one of them 409 "already exists"; that must not fail the instance.
        for (int round = 0; round < 5; round++) {
            String s = subject(test) + round;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<Integer>> ids = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    ids.add(pool.submit(() -> {
                        go.await();
                        return new SchemaRegistryClient(registry.url()).register(s, V1);
                    }));
                }
                go.countDown();
                int first = ids.get(0).get();
                for (java.util.concurrent.Future<Integer> id : ids) {
                    assertEquals(first, id.get());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void latestAndSpecificVersions(TestInfo test) {
        String s = subject(test);
        int id1 = client.register(s, V1);
        int id2 = client.register(s, V2_WITH_DEFAULT);
        assertNotEquals(id1, id2);
        SubjectSchema latest = client.latest(s);
        assertEquals(new SubjectSchema(s, 2, id2, V2_WITH_DEFAULT), latest);
        assertEquals(new SubjectSchema(s, 1, id1, V1), client.version(s, 1));
    }

    @Test
    void lookupSaysWhetherASubjectHoldsASchema(TestInfo test) {
        String s = subject(test);
        int id = client.register(s, V1);
        assertEquals(id, client.lookup(s, V1).orElseThrow().id());
        assertEquals(1, client.lookup(s, V1).orElseThrow().version());
        assertTrue(client.lookup(s, V2_WITH_DEFAULT).isEmpty(), "a schema the subject does not hold");
        assertTrue(client.lookup("never-registered-value", V1).isEmpty(), "a subject that does not exist");
    }

    @Test
    void compatibilityFollowsTheSubjectsLevel(TestInfo test) {
        String s = subject(test);
        client.register(s, V1);
        client.setCompatibility(s, CompatibilityLevel.BACKWARD);
        assertEquals(CompatibilityLevel.BACKWARD, client.compatibility(s));
        assertTrue(client.checkCompatibility(s, V2_WITH_DEFAULT).compatible());
        CompatibilityResult incompatible = client.checkCompatibility(s, V2_WITHOUT_DEFAULT);
        assertFalse(incompatible.compatible());
        assertTrue(incompatible.messages().stream().anyMatch(m -> m.contains("lang")), incompatible.messages()::toString);

        // And the registry enforces it: an incompatible registration is refused (409), and not retried.
        AtomicInteger requests = new AtomicInteger();
        SchemaRegistryClient counting = new SchemaRegistryClient(
                SchemaRegistryClientConfig.of(registry.url()).withRequestObserver(r -> requests.incrementAndGet()));
        SchemaRegistryException refused = assertThrows(SchemaRegistryException.class, () -> counting.register(s, V2_WITHOUT_DEFAULT));
        assertEquals(409, refused.status());
        assertEquals(2, requests.get(), "a 4xx is never retried: one registration, then one lookup that tells an "
                + "incompatible schema from one another client registered a moment ago");
        assertTrue(refused.getMessage().contains("ncompatible"), refused.getMessage());
    }

    @Test
    void globalCompatibilityLevelRoundTrips() {
        CompatibilityLevel before = client.compatibility();
        try {
            client.setCompatibility(CompatibilityLevel.FULL_TRANSITIVE);
            assertEquals(CompatibilityLevel.FULL_TRANSITIVE, client.compatibility());
        } finally {
            client.setCompatibility(before);
        }
        assertEquals(before, client.compatibility());
    }

    @Test
    void theCacheMakesRepeatedLookupsFree(TestInfo test) {
        String s = subject(test);
        AtomicInteger requests = new AtomicInteger();
        SchemaRegistryClient counting = new SchemaRegistryClient(
                SchemaRegistryClientConfig.of(registry.url()).withRequestObserver(r -> requests.incrementAndGet()));

        int id = counting.register(s, V1);
        assertEquals(1, requests.get());
        counting.register(s, V1);
        counting.schemaById(id);
        assertEquals(1, requests.get(), "registering again and fetching the id just registered: from the cache");

        SchemaRegistryClient reader = new SchemaRegistryClient(
                SchemaRegistryClientConfig.of(registry.url()).withRequestObserver(r -> requests.incrementAndGet()));
        reader.schemaById(id);
        reader.schemaById(id);
        assertEquals(2, requests.get(), "an id is fetched once");
        reader.lookup(s, V1);
        reader.lookup(s, V1);
        assertEquals(3, requests.get(), "a found registration is looked up once");
    }

    @Test
    void unknownIdSubjectAndVersionAreClear404s(TestInfo test) {
        SchemaRegistryException noId = assertThrows(SchemaRegistryException.class, () -> client.schemaById(987654));
        assertEquals(404, noId.status());
        assertEquals(40403, noId.errorCode());
        assertEquals("schema registry " + registry.url() + ": schema id 987654 not found (404, error 40403)", noId.getMessage());

        SchemaRegistryException noSubject = assertThrows(SchemaRegistryException.class, () -> client.latest("x-value"));
        assertEquals("schema registry " + registry.url() + ": subject 'x-value' not found (404, error 40401)", noSubject.getMessage());

        String s = subject(test);
        client.register(s, V1);
        SchemaRegistryException noVersion = assertThrows(SchemaRegistryException.class, () -> client.version(s, 7));
        assertEquals(404, noVersion.status());
        assertTrue(noVersion.getMessage().contains("not found"), noVersion.getMessage());
    }

    @Test
    void connectionRefusedIsRetriedThenFailsWithinTheBound() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7";
        AtomicInteger attempts = new AtomicInteger();
        SchemaRegistryClient unreachable = new SchemaRegistryClient(SchemaRegistryClientConfig.of(url)
                .withRetries(4, Duration.ofMillis(20), Duration.ofMillis(100), Duration.ofSeconds(5))
                .withRequestObserver(r -> attempts.incrementAndGet()));
        long start = System.nanoTime();
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> unreachable.schemaById(1));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertEquals(4, attempts.get());
        assertEquals(0, e.status());
        assertTrue(e.getMessage().startsWith("schema registry " + url + ": cannot GET /schemas/ids/1: "), e.getMessage());
        assertTrue(e.getMessage().contains("gave up after 4 attempts"), e.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
    }

    @Test
    void totalRetryTimeBoundsTheAttempts() {
        String url = "http://127.0.0.1:1/apis/ccompat/v7";
        AtomicInteger attempts = new AtomicInteger();
        SchemaRegistryClient unreachable = new SchemaRegistryClient(SchemaRegistryClientConfig.of(url)
                .withRetries(1000, Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(300))
                .withRequestObserver(r -> attempts.incrementAndGet()));
        long start = System.nanoTime();
        assertThrows(SchemaRegistryException.class, () -> unreachable.latest("x-value"));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(3)) < 0);
        assertTrue(attempts.get() > 1 && attempts.get() < 1000, "attempts: " + attempts.get());
    }

    static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
