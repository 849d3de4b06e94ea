package dev.semstream.query;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cheap probes of what the pipeline depends on, each with a short deadline so a hung peer answers
 * "unreachable" instead of hanging the probe: the Schema Registry (posting a text needs it) and the
 * Kafka cluster (everything needs it).
 */
final class Reachability implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    /** One probe's outcome: null detail when reachable, else why not. */
    record Probe(String target, String problem) {
        boolean reachable() {
            return problem == null;
        }
    }

    private final String registryUrl;
    private final Map<String, Object> clientProperties;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private Admin admin;

    /** @param clientProperties the cluster's client settings: bootstrap servers and the registry URL */
    Reachability(Map<String, Object> clientProperties) {
        this.clientProperties = clientProperties;
        Object url = clientProperties.get("schema.registry.url");
        this.registryUrl = url == null ? null : url.toString();
    }

    /** Lists the registry's subjects; any answer below 500 means it serves. */
    Probe registry() {
        if (registryUrl == null) {
            return new Probe("none configured", null);
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(registryUrl + "/subjects")).timeout(TIMEOUT).GET()
                    .build();
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return new Probe(registryUrl, status < 500 ? null : "the schema registry answers HTTP " + status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(registryUrl, "interrupted");
        } catch (Exception e) {
            return new Probe(registryUrl, "the schema registry at " + registryUrl + " is unreachable ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** Asks the cluster for its brokers. */
    Probe broker() {
        String target = String.valueOf(clientProperties.get("bootstrap.servers"));
        try {
            if (admin == null) {
                admin = Admin.create(clientProperties);
            }
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .nodes().get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS).size();
            return new Probe(target, brokers > 0 ? null : "the Kafka cluster at " + target + " has no broker");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(target, "interrupted");
        } catch (Exception e) {
            return new Probe(target, "the Kafka cluster at " + target + " is unreachable within "
                    + TIMEOUT.toSeconds() + " s");
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
