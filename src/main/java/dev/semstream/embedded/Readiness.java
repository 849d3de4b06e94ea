package dev.semstream.embedded;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Waits, with a deadline, until a freshly started broker serves clients. */
final class Readiness {

    private Readiness() {
    }

    /**
     * Asks the broker, as a client would, until it lists itself in the cluster metadata.
     *
     * <p>Kafka's {@code startup()} already waits for the broker to be unfenced (bounded by
     * {@code initial.broker.registration.timeout.ms}); this probe proves what callers rely on on top of that:
     * the advertised listener answers and the metadata names the broker.
     */
    static void await(String bootstrapServers, long deadline, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        Exception last = null;
        try (Admin admin = Admin.create(props)) {
            // At least one probe, even when startup() used up the time: a broker that is ready is not late.
            do {
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new EmbeddedKafkaException("interrupted waiting for embedded Kafka on " + bootstrapServers, e);
                } catch (Exception e) {
                    last = e;
                }
                pause();
            } while (System.nanoTime() < deadline);
        }
        throw new EmbeddedKafkaException("embedded Kafka on " + bootstrapServers + " did not become ready within "
                + timeout.toMillis() + " ms" + (last == null ? "" : ": " + last.getMessage()), last);
    }

    // A short back-off between readiness probes; the probe itself blocks up to 2 s while the broker is down.
    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("interrupted waiting for embedded Kafka", e);
        }
    }
}
