package dev.semstream.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row 4 of issue 11: a {@code run} killed with SIGKILL left the registry child alive under pid 1, holding the H2
 * file, and the next start on the same directory failed. The child must now die with its parent, and a second
 * start on the same directory must serve the schemas of the first.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RegistryDiesWithItsParentTest {

    @TempDir
    Path dir;

    @Test
    void aRegistryWhoseParentIsKilledStopsAndTheNextStartOnItsDirectoryWorks() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process host = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RegistryHost.class.getName(), dir.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
        List<ProcessHandle> registry;
        int id;
        try {
            String url = readyUrl(host);
            id = Schemas.registerString(url, "texts-value");
            registry = host.descendants().filter(ProcessHandle::isAlive).toList();
            assertFalse(registry.isEmpty(), "the host runs the registry as its child");
        } finally {
            host.destroyForcibly(); // SIGKILL: no shutdown hook closes the registry
            host.waitFor(1, TimeUnit.MINUTES);
        }
        Eventually.await(Duration.ofSeconds(30), "the registry child exits after its parent was killed: " + registry,
                () -> registry.stream().noneMatch(ProcessHandle::isAlive));
        try (EmbeddedSchemaRegistry again = EmbeddedSchemaRegistry.start(dir, Duration.ofMinutes(2))) {
            assertTrue(Schemas.byId(again.url(), id).contains("string"), "the schema the first registry stored");
        }
    }

    /** The URL the host prints once its registry answers. */
    private static String readyUrl(Process host) throws Exception {
        BufferedReader lines = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<String> url = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = lines.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    if (line.startsWith(RegistryHost.READY)) return line.substring(RegistryHost.READY.length());
                }
                throw new AssertionError("the host exited before its registry was ready:\n" + seen);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return url.get(3, TimeUnit.MINUTES);
        } catch (TimeoutException e) {
            throw new AssertionError("the host's registry was not ready in time:\n" + seen, e);
        }
    }
}
