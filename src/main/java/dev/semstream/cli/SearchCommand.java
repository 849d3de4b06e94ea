package dev.semstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.app.AppSettings;
import dev.semstream.app.Endpoints;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code semstream search "text"}: the nearest stored texts, from a running pipeline's HTTP API, over
 * every instance. Prints a table for people, or the API's JSON with {@code --json}.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Find the stored texts nearest to a text, by cosine similarity or Euclidean distance,",
                "over every running instance (through the HTTP API of `semstream run`)."})
final class SearchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "TEXT", description = "The text to search for.")
    String text;

    @Option(names = {"-k", "--k"}, paramLabel = "K", defaultValue = "10", description = "How many hits (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--metric", paramLabel = "METRIC", defaultValue = "cosine",
            description = "cosine (similarity, higher is closer), euclidean (distance, lower is closer) or dot (default: ${DEFAULT-VALUE}).")
    String metric;

    @Option(names = "--exact", description = "Scan every vector instead of searching the HNSW graph.")
    boolean exact;

    @Option(names = "--filter", paramLabel = "KEY=VALUE", description = "Only texts whose metadata has KEY=VALUE; repeat to AND several.")
    Map<String, String> filters = new LinkedHashMap<>();

    @Option(names = "--stale", description = "Also answer from standby replicas and restoring stores (may lag the stream).")
    boolean stale;

    @Option(names = "--model", paramLabel = "MODEL",
            description = {"Embed the text with this model id and search its vectors (default: the active model);",
                    "during a `semstream reembed`, the old model's id while it is kept or in its grace period."})
    String model;

    @Option(names = "--json", description = "Print the API's JSON answer instead of a table.")
    boolean json;

    @Option(names = "--url", paramLabel = "URL",
            description = "The HTTP API of any instance. Default: the one `semstream run` wrote to --data-dir, else http://localhost:" + AppSettings.DEFAULT_HTTP_PORT + ".")
    String url;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data", description = "Where `semstream run` keeps its data (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (text.isBlank()) {
            throw new ParameterException(spec.commandLine(), "the text to search for is blank");
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("text", text);
        body.put("k", k);
        body.put("metric", metric);
        body.put("exact", exact);
        body.put("stale", stale);
        if (model != null) {
            body.put("modelId", model);
        }
        ObjectNode f = body.putObject("filters");
        filters.forEach(f::put);
        JsonNode answer = ApiCall.post(apiUrl(url, dataDir), "/search", body);
        PrintStream out = main.stdout;
        if (json) {
            out.write(JSON.writeValueAsBytes(answer));
            out.println();
        } else {
            printTable(out, answer);
        }
        out.flush();
        return 0;
    }

    private void printTable(PrintStream out, JsonNode answer) {
        String scoreName = switch (answer.get("metric").asText()) {
            case "euclidean" -> "distance";
            case "dot" -> "dot";
            default -> "cosine";
        };
        out.printf(Locale.ROOT, "%4s  %8s  %-20s  %s%n", "#", scoreName, "id", "text");
        int rank = 1;
        for (JsonNode hit : answer.get("hits")) {
            String t = hit.get("text").asText().replaceAll("\\s+", " ");
            out.printf(Locale.ROOT, "%4d  %8.4f  %-20s  %s%n", rank++, hit.get("score").asDouble(),
                    hit.get("id").asText(), t.length() > 80 ? t.substring(0, 77) + "..." : t);
        }
        JsonNode p = answer.get("partitions");
        main.stderr().printf(Locale.ROOT, "%d hits in %.1f ms from partitions %s%s%n", answer.get("hits").size(),
                answer.get("tookMs").asDouble(), p.get("answered"), answer.get("partial").asBoolean()
                        ? "; PARTIAL: partitions " + p.get("missing") + " did not answer" : "");
    }

    /** The API to call: the flag, else the running pipeline's endpoints file, else the default port. */
    static String apiUrl(String flag, Path dataDir) {
        if (flag != null) {
            return flag.endsWith("/") ? flag.substring(0, flag.length() - 1) : flag;
        }
        return Endpoints.read(dataDir).map(Endpoints::queryUrl)
                .orElse("http://localhost:" + AppSettings.DEFAULT_HTTP_PORT);
    }

    /** One call to the API; an error answer becomes an exception with the API's message. */
    static final class ApiCall {
        private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        static JsonNode post(String base, String path, JsonNode body) throws IOException, InterruptedException {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build();
            HttpResponse<String> response;
            try {
                response = HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (ConnectException e) {
                throw new IllegalStateException("no semstream API at " + base + ": start one with `semstream run`, or pass --url");
            }
            JsonNode answer = JSON.readTree(response.body());
            if (response.statusCode() == 409) {
                // A model the pipeline does not serve (model_mismatch) or is still building (model_building):
                // the code says which, the message which model is active.
                throw new IllegalArgumentException(answer.path("error").asText("conflict") + ": "
                        + answer.path("message").asText(response.body()) + " (HTTP 409)");
            }
            if (response.statusCode() != 200) {
                throw new IllegalArgumentException(answer.path("message").asText(response.body())
                        + " (HTTP " + response.statusCode() + ")");
            }
            return answer;
        }
    }
}
