package dev.semstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.semstream.cli.DefaultGenerator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml, the Dockerfile and .dockerignore as a user with Docker would run them
 * ({@code docker compose up --scale semstream=2}), read statically: there is no Docker engine here, so each
 * point the stack depends on is an assertion on the files.
 */
class DeploymentFilesTest {
    static JsonNode services;
    static JsonNode volumes;
    static List<String> dockerfile;
    static List<String> dockerignore;

    @BeforeAll
    static void read() throws IOException {
        JsonNode compose = new YAMLMapper().readTree(Path.of("docker-compose.yml").toFile());
        services = compose.get("services");
        volumes = compose.path("volumes");
        dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        dockerignore = Files.readAllLines(Path.of(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void replicasPublishNoFixedHostPortAndHaveNoFixedName() {
        JsonNode semstream = services.get("semstream");
        assertFalse(semstream.has("container_name"), "a fixed container name allows one replica only");
        for (JsonNode port : semstream.path("ports")) {
            String published = port.isTextual() ? hostPart(port.asText()) : port.path("published").asText("");
            assertTrue(published.isEmpty() || published.contains("-"),
                    "a fixed host port (" + port + ") is taken by the first replica; publish a range or none");
        }
    }

    @Test
    void eachReplicaHasItsOwnStateNotASharedVolume() {
        for (JsonNode mount : services.get("semstream").path("volumes")) {
            String source = mount.isTextual() ? mount.asText().split(":")[0] : mount.path("source").asText("");
            assertFalse(volumes.has(source), "the named volume " + source + " would be shared by every replica, "
                    + "which collide on the Streams state-directory lock");
        }
        assertTrue(dockerfile.contains("VOLUME [\"/data\"]"), "an anonymous /data volume per container");
        assertEquals("/data", flagValue(command(), "--data-dir"));
    }

    @Test
    void theApiListensOnEveryInterfaceAndSoAdvertisesTheContainersOwnName() {
        // A wildcard bind is advertised as the machine's host name: see WildcardBindTest.
        assertEquals("0.0.0.0", flagValue(command(), "--http-host"));
    }

    @Test
    void theReplicasShareAnApiTokenThatComposeRequires() {
        // Bound beyond loopback, run refuses to start without a token; ${VAR:?message} makes compose say so first.
        String token = services.get("semstream").path("environment").path("SEMSTREAM_API_TOKEN").asText("");
        assertTrue(token.startsWith("${SEMSTREAM_API_TOKEN:?"), "SEMSTREAM_API_TOKEN must be required, was: " + token);
    }

    @Test
    void kafkaKeepsItsLogsOnANamedVolumeWithAFixedClusterId() {
        JsonNode kafka = services.get("kafka");
        String logDirs = kafka.path("environment").path("KAFKA_LOG_DIRS").asText("");
        assertFalse(logDirs.isEmpty() || logDirs.startsWith("/tmp"), "the image's default log dir is under /tmp");
        boolean onNamedVolume = false;
        for (JsonNode mount : kafka.path("volumes")) {
            String[] parts = mount.asText().split(":");
            onNamedVolume |= parts.length >= 2 && volumes.has(parts[0]) && parts[1].equals(logDirs);
        }
        assertTrue(onNamedVolume, "KAFKA_LOG_DIRS " + logDirs + " on a named volume: " + kafka.path("volumes"));
        String clusterId = kafka.path("environment").path("CLUSTER_ID").asText("");
        assertTrue(clusterId.matches("[A-Za-z0-9_-]{22}"), "CLUSTER_ID, a base64 UUID: " + clusterId);
    }

    @Test
    void stopGraceOutlastsTheLeaveGroupClose() {
        String grace = services.get("semstream").path("stop_grace_period").asText("");
        assertFalse(grace.isEmpty(), "docker's default 10 s kills an instance still leaving its group");
        Duration period = Duration.parse("PT" + grace.toUpperCase(java.util.Locale.ROOT));
        assertTrue(period.compareTo(StreamsApplication.CLOSE_TIMEOUT) > 0,
                grace + " must outlast the " + StreamsApplication.CLOSE_TIMEOUT.toSeconds() + " s close");
    }

    @Test
    void theImagesDefaultCommandJoinsTheComposeServicesNotTheEmbeddedDefault() {
        List<String> cmd = imageCommand();
        assertEquals("run", cmd.get(0));
        String bootstrap = flagValue(cmd, "--bootstrap-servers");
        String registry = flagValue(cmd, "--schema-registry-url");
        assertNotNull(bootstrap, "without --bootstrap-servers the image starts the embedded default: " + cmd);
        assertNotNull(registry, "without --schema-registry-url it needs the registry zip the image leaves out: " + cmd);
        assertTrue(services.has(bootstrap.split(":")[0]), bootstrap + " is a compose service");
        assertTrue(services.has(registry.replaceFirst("^https?://", "").split(":")[0]), registry + " is a compose service");
    }

    @Test
    void theRegistryZipStaysOutOfTheImage() throws IOException {
        // The launcher points the embedded registry at this file; the image removes the same glob.
        String launcher = Files.readString(Path.of("semstream"));
        String zip = "apicurio-registry-app-*-all.zip";
        assertTrue(launcher.contains("target/lib/" + zip), "the launcher's name for the zip");
        int removed = indexOf(l -> l.startsWith("RUN ") && l.contains("rm -f target/lib/" + zip));
        int runtime = indexOf(l -> l.startsWith("FROM ") && !l.contains(" AS build"));
        int copied = indexOf(l -> l.startsWith("COPY --from=build") && l.contains("target/lib"));
        assertTrue(removed >= 0 && removed < runtime && runtime < copied,
                "the build stage removes the zip before the runtime stage copies target/lib");
    }

    /** `run` in the container serves the shipped generator: the image puts it where `run` looks, and it exists. */
    @Test
    void theImageCarriesTheShippedGeneratorWhereRunLooksForIt() throws IOException {
        String workdir = dockerfile.stream().filter(l -> l.startsWith("WORKDIR ")).reduce((a, b) -> b).orElseThrow()
                .substring("WORKDIR ".length()).strip();
        String copy = "COPY " + DefaultGenerator.DIRECTORY + " " + workdir + "/" + DefaultGenerator.DIRECTORY;
        int runtime = indexOf(l -> l.startsWith("FROM ") && !l.contains(" AS build"));
        int copied = indexOf(l -> l.equals(copy));
        assertTrue(runtime >= 0 && copied > runtime, "the runtime stage has \"" + copy + "\"");
        assertTrue(Files.isRegularFile(Path.of(DefaultGenerator.DIRECTORY, "model.safetensors")),
                "the checkout holds the shipped generator");
        String launcher = Files.readString(Path.of("semstream"));
        assertTrue(launcher.contains("-D" + DefaultGenerator.PROPERTY + "=$here/" + DefaultGenerator.DIRECTORY),
                "the launcher names it for a run from any directory");
    }

    @Test
    void oneKafkaImageForComposeAndTestcontainersMatchingTheClients() throws IOException {
        String compose = services.get("kafka").get("image").asText();
        assertEquals(ClusterContainers.KAFKA_IMAGE, compose);
        java.util.Properties clients = new java.util.Properties();
        try (var in = KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            clients.load(in);
        }
        assertEquals("apache/kafka:" + clients.getProperty("version"), compose, "the image runs the clients' version");
    }

    @Test
    void aConfluentSchemaRegistryBuiltForKafka4ForComposeAndTestcontainers() {
        String compose = services.get("schema-registry").get("image").asText();
        assertEquals(ClusterContainers.SCHEMA_REGISTRY_IMAGE, compose);
        Matcher version = Pattern.compile("confluentinc/cp-schema-registry:(\\d+)\\..*").matcher(compose);
        assertTrue(version.matches(), compose);
        assertTrue(Integer.parseInt(version.group(1)) >= 8, "Confluent Platform 8 is the line built on Kafka 4");
    }

    @Test
    void dockerignoreSendsOnlyWhatTheBuildStageCopies() {
        assertEquals("*", dockerignore.get(0), "everything out first (target/, data/, .git)");
        List<String> included = dockerignore.stream().filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
        List<String> copied = new ArrayList<>();
        for (String line : dockerfile) {
            if (line.startsWith("COPY ") && !line.contains("--from=")) {
                String[] parts = line.substring(5).strip().split("\\s+");
                copied.addAll(List.of(parts).subList(0, parts.length - 1));
            }
        }
        assertFalse(copied.isEmpty());
        assertEquals(copied.stream().sorted().toList(), included.stream().sorted().toList(),
                "each COPY source let through, nothing else");
    }

    /** The semstream service's command: its own, else the image's CMD. */
    private static List<String> command() {
        JsonNode own = services.get("semstream").get("command");
        return own != null ? strings(own) : imageCommand();
    }

    /** The Dockerfile's last CMD, what {@code docker run semstream} runs. */
    private static List<String> imageCommand() {
        try {
            return strings(new ObjectMapper().readTree(dockerfile.stream().filter(l -> l.startsWith("CMD "))
                    .reduce((a, b) -> b).orElseThrow().substring(4)));
        } catch (IOException e) {
            throw new AssertionError("the Dockerfile's CMD is not in exec (JSON) form", e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> args = new ArrayList<>();
        array.forEach(a -> args.add(a.asText()));
        return args;
    }

    private static String flagValue(List<String> args, String flag) {
        int i = args.indexOf(flag);
        return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }

    /** "7070-7079:7070" gives "7070-7079", "127.0.0.1:7070:7070" gives "7070", "7070" gives "". */
    private static String hostPart(String mapping) {
        String[] parts = mapping.split(":");
        return parts.length == 1 ? "" : parts[parts.length - 2];
    }

    private static int indexOf(java.util.function.Predicate<String> line) {
        for (int i = 0; i < dockerfile.size(); i++) {
            if (line.test(dockerfile.get(i).strip())) {
                return i;
            }
        }
        return -1;
    }
}
