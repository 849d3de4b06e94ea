package dev.semstream.cli;

import dev.semstream.app.AppSettings;
import dev.semstream.app.Endpoints;
import dev.semstream.app.Pipeline;
import dev.semstream.embedded.PortCheck;
import dev.semstream.model.Encoder;
import dev.semstream.model.TextGenerator;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.LoadedGpt;
import dev.semstream.query.ApiAccess;
import dev.semstream.topology.EmbedderConfig;
import dev.semstream.topology.GraphBuildPolicy;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.VectorEncodings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code semstream run}: the streaming embedder. With no cluster given it starts the embedded default
 * (a KRaft broker in process, the registry as a child process), creates the topics, starts the
 * embedder, prints the endpoints and how to produce, and runs until Ctrl-C.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the streaming embedder: text events in, embeddings out, vectors in a state store.",
                "Without --bootstrap-servers it starts the embedded default: Kafka (KRaft) in process and a",
                "Schema Registry as a child process, keeping their data under --data-dir."})
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--input-format", paramLabel = "FORMAT", defaultValue = "AVRO",
            description = "How the input topic is written: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    InputFormat inputFormat;

    @Mixin
    EncoderFlags encoderFlags;

    @Spec
    CommandSpec spec;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Texts per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--flush-ms", paramLabel = "MS", defaultValue = "50",
            description = "Embed a smaller batch after this many milliseconds (default: ${DEFAULT-VALUE}).")
    long flushMillis;

    @Option(names = "--hnsw-min-vectors", paramLabel = "N", defaultValue = "10000",
            description = "A partition is searched by exact scan until it holds this many vectors, then gets an HNSW "
                    + "graph, built in the background (default: ${DEFAULT-VALUE}; 0: a graph from the first vector).")
    int hnswMinVectors;

    @Option(names = "--vector-encoding", paramLabel = "ENCODING", defaultValue = "float",
            converter = RunCommand.EncodingsValue.class,
            description = "How the search index holds vectors: float, bf16 (half the memory) or int8 (a quarter);"
                    + " bf16 and int8 rescore the best candidates at full precision, kept off the heap."
                    + " One for every model, or per model: MODEL=ENCODING[,MODEL=ENCODING...] with an optional"
                    + " bare default, e.g. float,bge-small-en-v1.5=int8 (MODEL: a model id, or its name before @)."
                    + " Default: ${DEFAULT-VALUE}.")
    VectorEncodings vectorEncodings;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Topic name prefix (default: the one in topology/topics.json, semstream).")
    String topicPrefix;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "" + AppSettings.DEFAULT_HTTP_PORT,
            description = "Port of the HTTP API and web page (default: ${DEFAULT-VALUE}; 0 for any free port).")
    int httpPort;

    @Option(names = "--kafka-port", paramLabel = "PORT", defaultValue = "" + AppSettings.DEFAULT_KAFKA_PORT,
            description = "Port of the embedded Kafka broker on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 for any free "
                    + "port; unused with --bootstrap-servers).")
    int kafkaPort;

    @Option(names = "--registry-port", paramLabel = "PORT", defaultValue = "" + AppSettings.DEFAULT_REGISTRY_PORT,
            description = "Port of the embedded Schema Registry on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0 for any "
                    + "free port; unused with --schema-registry-url).")
    int registryPort;

    @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "localhost",
            description = "Host the HTTP API listens on and other instances reach it by; give this machine's "
                    + "name or address when instances run on several machines, or 0.0.0.0 to listen on every "
                    + "interface and be reached by this machine's host name (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--api-token", paramLabel = "TOKEN",
            description = "Bearer token the HTTP API requires for writes and deletes, and for every call when "
                    + "--http-host is beyond loopback (default: $" + ApiAccess.TOKEN_VARIABLE + "; none).")
    String apiToken;

    @Option(names = "--cors-origins", paramLabel = "ORIGINS",
            description = "Comma-separated web origins (http://host:port) whose pages may call the API from a "
                    + "browser (default: $" + ApiAccess.CORS_VARIABLE + "; none but the API's own page).")
    String corsOrigins;

    @Option(names = "--allowed-hosts", paramLabel = "NAMES",
            description = "Comma-separated host names the API answers to besides --http-host, localhost and IP "
                    + "addresses, a guard against DNS rebinding (default: $" + ApiAccess.HOSTS_VARIABLE + ").")
    String allowedHosts;

    @Option(names = "--generator-model", paramLabel = "DIR",
            description = "The generator sidecar's GPT-2 checkpoint directory (config.json, model.safetensors, "
                    + "vocab.json, merges.txt, any size gpt2 to gpt2-xl; default: the one semstream ships, "
                    + DefaultGenerator.DIRECTORY + ", or what `train` wrote).")
    Path generatorModel;

    @Option(names = "--no-generator",
            description = "Run no generator sidecar: the prompts topic is left unread.")
    boolean noGenerator;

    @Option(names = "--status-every", paramLabel = "SECONDS", defaultValue = "10",
            description = "A status line (texts/s, lag, dead letters, vectors) this often while running "
                    + "(default: ${DEFAULT-VALUE}; 0: none).")
    long statusSeconds;

    @Override
    public Integer call() throws Exception {
        PrintStream err = main.stderr();
        // Checked before the model loads, so a typo fails in a moment and names the flag.
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        }
        if (flushMillis < 1) {
            throw new ParameterException(spec.commandLine(), "--flush-ms must be at least 1, got " + flushMillis);
        }
        if (hnswMinVectors < 0) {
            throw new ParameterException(spec.commandLine(), "--hnsw-min-vectors must be 0 or more, got " + hnswMinVectors);
        }
        if (noGenerator && generatorModel != null) {
            throw new ParameterException(spec.commandLine(), "--no-generator and --generator-model: choose one");
        }
        ApiAccess access = ApiAccess.of(apiToken, corsOrigins, allowedHosts, System.getenv());
        try {
            access.requireTokenBeyondLoopback(httpHost);
        } catch (IllegalStateException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        EmbedderConfig config = EmbedderConfig.defaults().withInputFormat(inputFormat)
                .withBatching(batchSize, Duration.ofMillis(flushMillis))
                .withGraphBuild(new GraphBuildPolicy(hnswMinVectors, GraphBuildPolicy.defaults().inlineBuildMax()))
                .withVectorEncodings(vectorEncodings);
        AppSettings settings = new AppSettings(cluster.bootstrapServers, cluster.schemaRegistryUrl,
                cluster.dataDir, cluster.propertiesFile, System.getenv(), Map.of(),
                AppSettings.DEFAULT_APPLICATION_ID, topicPrefix, true, config, httpHost, httpPort, access, kafkaPort,
                registryPort);
        // Before the model loads and anything starts, so a taken port fails in a moment and names its flag.
        try {
            Pipeline.requireFreePorts(settings);
        } catch (PortCheck.PortInUseException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Encoder encoder = main.encoderLoader.apply(encoderFlags.model, encoderFlags.options(spec));
        err.println("semstream: encoder " + encoder.modelId() + " loaded");
        if (cluster.bootstrapServers != null && cluster.schemaRegistryUrl == null) {
            err.println("semstream: no --schema-registry-url given with --bootstrap-servers; starting the embedded registry");
        }
        TextGenerator generator = noGenerator ? null : loadGenerator(err);
        Pipeline pipeline = Pipeline.start(settings, encoder, encoderFlags.location(), generator,
                line -> err.println("semstream: " + line));
        // Ctrl-C (SIGINT) or SIGTERM: stop the pipeline's parts in reverse order, then let the JVM exit.
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("semstream: shutting down");
            pipeline.close();
            err.println("semstream: stopped");
            closed.countDown();
        }, "semstream-shutdown"));
        pipeline.awaitRunning(Duration.ofMinutes(2));
        printEndpoints(err, pipeline.endpoints(), pipeline);
        if (statusSeconds > 0) {
            pipeline.statusLine(Duration.ofSeconds(statusSeconds), line -> err.println("semstream: " + line));
        }
        pipeline.awaitStopped();
        if (pipeline.failure() != null) {
            throw new IllegalStateException("semstream stopped: " + pipeline.failure().getMessage(),
                    pipeline.failure());
        }
        // Stopped by a signal: the JVM is already exiting and halts once the hook has closed everything.
        closed.await();
        new CountDownLatch(1).await();
        return 0;
    }

    /** The named checkpoint (which must load), else the shipped one if this checkout has it. */
    private TextGenerator loadGenerator(PrintStream err) {
        Path dir = generatorModel;
        if (dir == null) {
            dir = DefaultGenerator.location();
            if (!Files.isRegularFile(dir.resolve(HfGpt2Checkpoint.CONFIG_FILE))) {
                err.println("semstream: no generator: the default one, " + dir.toAbsolutePath()
                        + ", is not there; pass --generator-model DIR");
                return null;
            }
        }
        LoadedGpt gpt = HfGpt2Checkpoint.load(dir);
        TextGenerator generator = gpt.generator();
        err.println("semstream: generator " + generator.modelId() + " loaded (" + gpt.config().layers()
                + " layers, " + gpt.config().dim() + " wide, context " + gpt.config().contextLength() + ")");
        return generator;
    }

    private void printEndpoints(PrintStream err, Endpoints e, Pipeline pipeline) {
        var t = pipeline.topics();
        err.println();
        err.println("semstream is running (exactly once).");
        err.println("  Kafka bootstrap servers : " + e.bootstrapServers());
        err.println("  Schema Registry         : " + e.schemaRegistryUrl());
        err.println("  input topic             : " + t.name("texts") + " (" + inputFormat + ")");
        err.println("  embeddings topic        : " + t.name("embeddings") + " (Avro Embedding)");
        err.println("  dead letters            : " + t.name("dlq"));
        err.println("  HTTP API and web page   : " + e.queryUrl());
        err.println("  generator sidecar       : " + (pipeline.runsGenerator()
                ? t.name("prompts") + " -> " + t.name("completions")
                : "off (--no-generator, or no checkpoint: pass --generator-model DIR)"));
        err.println();
        SuggestedFlags flags = new SuggestedFlags(cluster.dataDir, topicPrefix, inputFormat);
        err.println("Produce texts:    ./semstream produce" + flags.forProduce()
                + " \"The model predicts the next word.\"");
        err.println("                  ./semstream produce" + flags.forProduce() + " --file texts.txt");
        err.println("Read embeddings:  ./semstream consume" + flags.where());
        err.println("Search:           ./semstream search" + flags.where() + " \"How does attention work?\" --k 5");
        err.println("                  or open " + e.queryUrl() + " in a browser");
        if (pipeline.runsGenerator()) {
            err.println("Generate:         ./semstream prompt" + flags.where()
                    + " \"Once upon a time\" --temperature 0.8 --max-tokens 40");
        }
        err.println("Stop:             Ctrl-C");
    }

    /** Reads {@code --vector-encoding} as {@link VectorEncodings#parse} does (encoding names in any case). */
    static final class EncodingsValue implements CommandLine.ITypeConverter<VectorEncodings> {
        @Override
        public VectorEncodings convert(String value) {
            try {
                return VectorEncodings.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
