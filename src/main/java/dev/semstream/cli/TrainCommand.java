package dev.semstream.cli;

import dev.semstream.avro.TextEvent;
import dev.semstream.model.GptConfig;
import dev.semstream.model.ModelException;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.LoadedGpt;
import dev.semstream.model.load.SafetensorsDtype;
import dev.semstream.registry.AvroSerde;
import dev.semstream.tokenize.ByteLevelBpeTokenizer;
import dev.semstream.topology.InputFormat;
import dev.semstream.topology.TopicDefinitions;
import dev.semstream.train.BpeTrainer;
import dev.semstream.train.CorpusSplit;
import dev.semstream.train.EvaluationReport;
import dev.semstream.train.StepReport;
import dev.semstream.train.TokenCorpus;
import dev.semstream.train.TrainableGpt;
import dev.semstream.train.TrainedBpe;
import dev.semstream.train.Trainer;
import dev.semstream.train.TrainingException;
import dev.semstream.train.TrainingListener;
import dev.semstream.train.TrainingOptions;
import dev.semstream.train.TrainingResult;
import dev.semstream.train.TrainingState;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code semstream train}: trains a GPT-2 generator (or fine-tunes one) on text files or on the texts of the
 * input topic, into a Hugging Face checkpoint directory that {@code run --generator-model} serves.
 *
 * <p>The output directory holds the final model ({@code config.json}, {@code model.safetensors},
 * {@code vocab.json}, {@code merges.txt}: the tokenizer is there from the start), {@code checkpoint/} (what
 * {@code --resume} continues bit for bit), {@code train.json} (where the corpus came from), {@code loss.csv}
 * and {@code loss.png}. Every flag is checked before any work, and every corpus or shape the run cannot
 * take is refused (exit 2) before the first step.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a GPT-2 generator on your text, or fine-tune one, for `run --generator-model DIR`.",
                "The text comes from files or from the input topic (read committed, up to its end at the start).",
                "Ctrl-C saves a checkpoint; --resume continues it exactly."})
final class TrainCommand implements Callable<Integer> {
    static final String CHECKPOINT_DIR = "checkpoint";
    static final String LOSS_CSV = "loss.csv";
    static final String LOSS_PNG = "loss.png";
    /** Exit code of a run stopped by Ctrl-C (its checkpoint saved), as a shell reports SIGINT. */
    static final int STOPPED = 130;
    private static final float LAYER_NORM_EPS = 1e-5f;

    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--text", arity = "1..*", paramLabel = "FILE",
            description = "UTF-8 text files to train on; each is a document, or several where it has a literal "
                    + "<|endoftext|> between them.")
    List<Path> textFiles;

    @Option(names = "--from-topic", arity = "0..1", paramLabel = "TOPIC", fallbackValue = "",
            description = "Train on the texts of this topic (default: the pipeline's input topic), read committed "
                    + "from the beginning to its end when training starts; per id its latest text.")
    String fromTopic;

    @Option(names = "--input-format", paramLabel = "FORMAT", defaultValue = "AVRO",
            description = "How --from-topic's topic is written: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    InputFormat inputFormat;

    @Option(names = "--topic-prefix", paramLabel = "PREFIX",
            description = "Topic name prefix of --from-topic's default topic (default: semstream).")
    String topicPrefix;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Where the model, its checkpoint and the loss curves go.")
    Path out;

    @Option(names = "--layers", paramLabel = "N", defaultValue = "4", description = "Transformer blocks (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--heads", paramLabel = "N", defaultValue = "4", description = "Attention heads per block (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--width", paramLabel = "N", defaultValue = "256",
            description = "Width of the token vectors, n_embd; a multiple of --heads (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--context", paramLabel = "TOKENS", defaultValue = "256",
            description = "Context length: the longest prompt plus completion, and the training window (default: ${DEFAULT-VALUE}).")
    int context;

    @Option(names = "--vocab", paramLabel = "N", defaultValue = "8192",
            description = "Tokenizer size, trained on the corpus by byte-level BPE, <|endoftext|> included; at least 257 "
                    + "(default: ${DEFAULT-VALUE}).")
    int vocab;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    /** How long the run is: one of the three, or nanoGPT's default number of steps. */
    static final class Length {
        @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default: 5000).")
        Long steps;

        @Option(names = "--tokens", paramLabel = "N", description = "Training tokens to see: steps of --batch x --accumulation x --context tokens.")
        Long tokens;

        @Option(names = "--minutes", paramLabel = "M",
                description = "A time budget: the steps that fit in it at the speed measured on the first passes, "
                        + "fixed before the first step (the learning-rate schedule depends on it) and kept on --resume.")
        Double minutes;
    }

    @Option(names = "--batch", paramLabel = "N", defaultValue = "16", description = "Windows per forward-backward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--accumulation", paramLabel = "N", defaultValue = "1",
            description = "Passes summed into one optimizer step: a step sees --batch x N windows (default: ${DEFAULT-VALUE}).")
    int accumulation;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1e-3",
            description = "Peak learning rate, after a linear warm-up, decaying by a cosine to a tenth of it (default: ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1337",
            description = "Seeds the initial weights and the data order (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--validation-fraction", paramLabel = "F", defaultValue = "0.1",
            description = "Share of the corpus held out, in blocks all along it, for the validation loss (default: ${DEFAULT-VALUE}).")
    double validationFraction;

    @Option(names = "--eval-every", paramLabel = "STEPS", defaultValue = "250",
            description = "Steps between two measurements of the train and validation loss (default: ${DEFAULT-VALUE}).")
    long evalEvery;

    @Option(names = "--checkpoint-minutes", paramLabel = "M", defaultValue = "10",
            description = "Minutes between two checkpoints; one is also written at the end and on Ctrl-C (default: ${DEFAULT-VALUE}).")
    double checkpointMinutes;

    @Option(names = "--init", paramLabel = "DIR",
            description = "Fine-tune this Hugging Face GPT-2 checkpoint instead of starting from random weights; its "
                    + "shape and tokenizer are kept (leave --layers, --heads, --width, --context and --vocab out).")
    Path init;

    @Option(names = "--resume", description = "Continue the run whose checkpoint is in --out, exactly where it stopped.")
    boolean resume;

    @Option(names = "--dtype", paramLabel = "TYPE",
            description = "Weights of the final model.safetensors: F32, or F16/BF16 for half the size (default: F32; "
                    + "with --resume, the run's own).")
    String dtype;

    @Option(names = "--log-every", paramLabel = "STEPS", defaultValue = "10",
            description = "When stderr is not a terminal, a progress line every this many steps (default: ${DEFAULT-VALUE}).")
    long logEvery;

    /** The options that fix the run's outcome: with --resume they may only repeat what the checkpoint holds. */
    private static final List<String> RUN_FLAGS = List.of("--layers", "--heads", "--width", "--context", "--vocab",
            "--steps", "--tokens", "--minutes", "--batch", "--accumulation", "--lr", "--seed", "--validation-fraction",
            "--eval-every", "--checkpoint-minutes", "--init", "--text", "--from-topic", "--input-format");
    private static final List<String> SHAPE_FLAGS = List.of("--layers", "--heads", "--width", "--context", "--vocab");

    @Override
    public Integer call() throws Exception {
        checkFlags();
        return resume ? resumeRun() : freshRun();
    }

    /** Every flag on its own, before anything is read. */
    private void checkFlags() {
        List<String> problems = new ArrayList<>();
        if (batch < 1) {
            problems.add("--batch must be at least 1, got " + batch);
        }
        if (accumulation < 1) {
            problems.add("--accumulation must be at least 1, got " + accumulation);
        }
        if (!(learningRate > 0) || !Float.isFinite(learningRate)) {
            problems.add("--lr must be a positive number, got " + learningRate);
        }
        if (!(validationFraction > 0 && validationFraction <= 0.5)) {
            problems.add("--validation-fraction must be above 0 and at most 0.5, got " + validationFraction);
        }
        if (evalEvery < 1) {
            problems.add("--eval-every must be at least 1, got " + evalEvery);
        }
        if (logEvery < 1) {
            problems.add("--log-every must be at least 1, got " + logEvery);
        }
        if (!(checkpointMinutes * 60 >= 1)) {
            problems.add("--checkpoint-minutes must be at least 1 second's worth, got " + checkpointMinutes);
        }
        if (length.steps != null && length.steps < 1) {
            problems.add("--steps must be at least 1, got " + length.steps);
        }
        if (length.tokens != null && length.tokens < 1) {
            problems.add("--tokens must be at least 1, got " + length.tokens);
        }
        if (length.minutes != null && !(length.minutes > 0)) {
            problems.add("--minutes must be above 0, got " + length.minutes);
        }
        if (SafetensorsDtype.parse(dtype()).filter(d -> d == SafetensorsDtype.F32 || d == SafetensorsDtype.F16
                || d == SafetensorsDtype.BF16).isEmpty()) {
            problems.add("--dtype must be F32, F16 or BF16, got " + dtype());
        }
        if (!resume && init == null) {
            problems.addAll(shapeProblems(layers, heads, width, context, vocab));
        }
        if (!problems.isEmpty()) {
            throw usage(String.join("; ", problems));
        }
    }

    /** What GptConfig and the tokenizer would refuse, said in the flags' words. */
    static List<String> shapeProblems(int layers, int heads, int width, int context, int vocab) {
        List<String> problems = new ArrayList<>();
        if (layers < 1) {
            problems.add("--layers must be at least 1, got " + layers);
        }
        if (heads < 1) {
            problems.add("--heads must be at least 1, got " + heads);
        } else if (width < 1 || width % heads != 0) {
            problems.add("--width must be a positive multiple of --heads " + heads + " (each head gets width / heads), got "
                    + width);
        }
        if (context < 1) {
            problems.add("--context must be at least 1, got " + context);
        }
        if (vocab < BpeTrainer.MIN_VOCAB_SIZE) {
            problems.add("--vocab must be at least " + BpeTrainer.MIN_VOCAB_SIZE + " (256 bytes and <|endoftext|>), got "
                    + vocab);
        } else if ((long) vocab * Math.max(width, 1) >= Integer.MAX_VALUE - 8 || 4L * width * width >= Integer.MAX_VALUE - 8) {
            problems.add("--vocab " + vocab + " x --width " + width + " is too large for one weight array");
        }
        return problems;
    }

    private int freshRun() throws IOException {
        Path checkpointDir = out.resolve(CHECKPOINT_DIR);
        if (textFiles == null && fromTopic == null) {
            throw usage("nothing to train on: give --text FILE... or --from-topic [TOPIC]");
        }
        if (textFiles != null && fromTopic != null) {
            throw usage("--text and --from-topic exclude each other: train on one corpus");
        }
        if (Files.exists(out.resolve(TrainSettings.FILE)) || Files.exists(checkpointDir)) {
            throw usage(out + " already holds a training run: continue it with --resume --out " + out
                    + ", or give another --out");
        }
        LoadedGpt initial = init == null ? null : loadInit();
        GptConfig config = initial != null ? initial.config()
                : new GptConfig(vocab, context, width, layers, heads, LAYER_NORM_EPS);
        PrintStream err = main.stderr();
        long started = System.nanoTime();
        TrainCorpus corpus = readCorpus(null);
        err.println("semstream: corpus: " + corpus.description());
        requireRoomForWindows(corpus, config.contextLength());
        ByteLevelBpeTokenizer tokenizer;
        TrainedBpe trained = null;
        if (initial != null) {
            tokenizer = initial.tokenizer();
        } else {
            long t = System.nanoTime();
            try {
                trained = BpeTrainer.train(corpus.documents(), config.vocabSize());
            } catch (IllegalArgumentException e) {
                throw usage("cannot train a tokenizer of --vocab " + config.vocabSize() + " on this corpus: " + e.getMessage());
            }
            tokenizer = trained.tokenizer();
            err.printf(Locale.ROOT, "semstream: tokenizer: byte-level BPE of %d ids trained in %.1f s%n",
                    tokenizer.vocabSize(), (System.nanoTime() - t) / 1e9);
        }
        TokenCorpus tokens = tokenize(corpus, tokenizer, config);
        CorpusSplit split = split(tokens, config.contextLength());
        TrainingOptions base = options(1);
        TrainableGpt model = initial != null ? TrainableGpt.of(config, initial.weights())
                : TrainableGpt.initialised(config, seed);
        String lengthNote;
        long steps;
        if (length.minutes != null) {
            TrainableGpt probe = initial != null ? TrainableGpt.of(config, initial.weights())
                    : TrainableGpt.initialised(config, seed);
            TimeBudget.Plan plan = TimeBudget.plan(Duration.ofMillis(Math.round(length.minutes * 60_000)),
                    Duration.ofNanos(System.nanoTime() - started), probe, split, base);
            steps = plan.steps();
            lengthNote = plan.description();
        } else if (length.tokens != null) {
            long perStep = base.tokensPerStep(config.contextLength());
            steps = Math.max(1, (length.tokens + perStep - 1) / perStep);
            lengthNote = "--tokens " + length.tokens + ": " + steps + " steps of " + perStep + " tokens";
        } else {
            steps = length.steps != null ? length.steps : TrainingOptions.defaults().steps();
            lengthNote = "--steps " + steps;
        }
        TrainingOptions options = options(steps);
        Files.createDirectories(out);
        if (trained != null) {
            trained.write(out);
        } else {
            copyTokenizer(init, out);
        }
        new TrainSettings(corpus.source(), init == null ? null : init.toAbsolutePath().normalize().toString(), lengthNote,
                dtype()).write(out);
        err.printf(Locale.ROOT, "semstream: model: %s%s, %,d parameters; %s; %,d tokens per step%n", describe(config),
                initial != null ? " from " + init : "", config.parameterCount(), lengthNote,
                options.tokensPerStep(config.contextLength()));
        Trainer trainer = Trainer.start(model, tokens, options, checkpointDir);
        return train(trainer, LossLog.start(out.resolve(LOSS_CSV), out.resolve(LOSS_PNG), title(config), err), config,
                Float.NaN);
    }

    private int resumeRun() throws IOException {
        Path checkpointDir = out.resolve(CHECKPOINT_DIR);
        if (!Files.isDirectory(checkpointDir) || !Files.exists(out.resolve(TrainSettings.FILE))) {
            throw usage("no checkpoint to resume in " + out + " (no " + CHECKPOINT_DIR + "/ or " + TrainSettings.FILE
                    + "): start the run without --resume");
        }
        TrainingState state;
        try {
            state = TrainingState.read(checkpointDir);
        } catch (TrainingException | IllegalArgumentException e) {
            throw usage("cannot resume from " + checkpointDir + ": " + Main.describe(e));
        }
        TrainSettings settings = TrainSettings.read(out);
        if (dtype == null) {
            // A run started with --dtype BF16 and resumed after Ctrl-C is written in BF16 too.
            dtype = settings.dtype();
        }
        List<String> changed = changedFlags(state, settings);
        if (!changed.isEmpty()) {
            throw usage("--resume continues the run exactly as it started, but " + String.join("; ", changed)
                    + ": leave those flags out, or start a new run in another --out");
        }
        PrintStream err = main.stderr();
        GptConfig config = state.config();
        TrainCorpus corpus = readCorpus(settings.corpus());
        err.println("semstream: corpus: " + corpus.description());
        ByteLevelBpeTokenizer tokenizer = ByteLevelBpeTokenizer.read(out);
        TokenCorpus tokens = tokenize(corpus, tokenizer, config);
        Trainer trainer;
        try {
            trainer = Trainer.resume(checkpointDir, tokens);
        } catch (TrainingException e) {
            throw usage("cannot resume from " + checkpointDir + ": " + e.getMessage());
        }
        err.printf(Locale.ROOT, "semstream: resuming %s at step %d of %d (%s)%n", describe(config), state.step(),
                state.options().steps(), settings.length());
        return train(trainer, LossLog.resume(out.resolve(LOSS_CSV), out.resolve(LOSS_PNG), title(config), state.step(), err),
                config, state.evaluations().isEmpty() ? Float.NaN
                        : state.evaluations().get(state.evaluations().size() - 1).validationLoss());
    }

    /** Runs the loop to its end or to Ctrl-C, then writes the model or says how to go on. */
    private int train(Trainer trainer, LossLog log, GptConfig config, float lastValidationLoss) {
        PrintStream err = main.stderr();
        TrainingStop stop = new TrainingStop();
        stop.installShutdownHook();
        try {
            ProgressPrinter progress = new ProgressPrinter(err, Boolean.getBoolean("semstream.stderr.terminal"), logEvery,
                    lastValidationLoss);
            TrainingListener observer = main.trainingObserver.apply(stop);
            TrainingListener listeners = new TrainingListener() {
                @Override
                public void step(StepReport r) {
                    progress.step(r);
                    log.step(r);
                    observer.step(r);
                }

                @Override
                public void evaluated(EvaluationReport r) {
                    progress.evaluated(r);
                    log.evaluated(r);
                    observer.evaluated(r);
                }

                @Override
                public void checkpointed(Path dir, long step) {
                    progress.checkpointed(dir, step);
                    log.checkpointed(dir, step);
                    observer.checkpointed(dir, step);
                }
            };
            TrainingResult result = trainer.run(listeners, stop);
            progress.finish();
            log.finish();
            if (result.stopped()) {
                err.println("semstream: stopped at step " + result.step() + " of " + result.totalSteps()
                        + "; the checkpoint is in " + out.resolve(CHECKPOINT_DIR) + ". Continue with:");
                err.println("  ./semstream train --resume --out " + SuggestedFlags.quoted(out.toString()));
                return STOPPED;
            }
            trainer.exportHuggingFace(out, SafetensorsDtype.parse(dtype()).orElseThrow(), out);
            EvaluationReport last = result.lastEvaluation();
            err.printf(Locale.ROOT, "semstream: trained %d steps, %,d tokens in %s%s%n", result.step(),
                    result.tokensSeen(), ProgressLine.duration(result.elapsed()), last == null ? ""
                            : String.format(Locale.ROOT, "; train loss %.4f, validation loss %.4f", last.trainLoss(),
                            last.validationLoss()));
            err.println("semstream: model written to " + out + " (" + describe(config) + "); loss curves in "
                    + out.resolve(LOSS_CSV) + " and " + out.resolve(LOSS_PNG));
            HeldOutEvaluation heldOut = HeldOutEvaluation.of(trainer, out);
            heldOut.write(out);
            err.println("semstream: " + heldOut.summary() + " (" + out.resolve(HeldOutEvaluation.FILE) + ")");
            err.println("Serve it:  ./semstream run --generator-model " + SuggestedFlags.quoted(out.toString()));
            return 0;
        } finally {
            stop.finished();
        }
    }

    /** --dtype, F32 when neither the command line nor (on --resume) the run said. */
    private String dtype() {
        return dtype == null ? "F32" : dtype;
    }

    private LoadedGpt loadInit() {
        LoadedGpt loaded;
        try {
            loaded = HfGpt2Checkpoint.load(init);
        } catch (ModelException e) {
            throw usage("--init " + init + ": " + e.getMessage());
        }
        GptConfig c = loaded.config();
        List<String> problems = new ArrayList<>();
        var parsed = spec.commandLine().getParseResult();
        if (parsed.hasMatchedOption("--vocab") && vocab != loaded.tokenizer().vocabSize()) {
            problems.add("--vocab " + vocab + " disagrees with the tokenizer of --init " + init + ", which has "
                    + loaded.tokenizer().vocabSize() + " ids (fine-tuning keeps it)");
        }
        int[][] shape = {{layers, c.layers()}, {heads, c.heads()}, {width, c.dim()}, {context, c.contextLength()}};
        for (int i = 0; i < 4; i++) {
            if (parsed.hasMatchedOption(SHAPE_FLAGS.get(i)) && shape[i][0] != shape[i][1]) {
                problems.add(SHAPE_FLAGS.get(i) + " " + shape[i][0] + " disagrees with --init " + init + ", which has "
                        + shape[i][1]);
            }
        }
        if (loaded.tokenizer().endOfTextId() < 0) {
            problems.add("the tokenizer of --init " + init + " has no " + ByteLevelBpeTokenizer.END_OF_TEXT
                    + " to separate documents with");
        }
        if (!problems.isEmpty()) {
            throw usage(String.join("; ", problems) + ": leave the shape flags out with --init");
        }
        return loaded;
    }

    /** The flags given with --resume that say something else than the run in the checkpoint. */
    private List<String> changedFlags(TrainingState state, TrainSettings settings) {
        var parsed = spec.commandLine().getParseResult();
        GptConfig c = state.config();
        TrainingOptions o = state.options();
        List<String> changed = new ArrayList<>();
        compare(changed, parsed.hasMatchedOption("--layers"), "--layers", layers, c.layers());
        compare(changed, parsed.hasMatchedOption("--heads"), "--heads", heads, c.heads());
        compare(changed, parsed.hasMatchedOption("--width"), "--width", width, c.dim());
        compare(changed, parsed.hasMatchedOption("--context"), "--context", context, c.contextLength());
        compare(changed, parsed.hasMatchedOption("--vocab"), "--vocab", vocab, c.vocabSize());
        compare(changed, parsed.hasMatchedOption("--steps"), "--steps", length.steps, o.steps());
        compare(changed, parsed.hasMatchedOption("--batch"), "--batch", batch, o.batch());
        compare(changed, parsed.hasMatchedOption("--accumulation"), "--accumulation", accumulation, o.accumulation());
        compare(changed, parsed.hasMatchedOption("--lr"), "--lr", learningRate, o.learningRate());
        compare(changed, parsed.hasMatchedOption("--seed"), "--seed", seed, o.seed());
        compare(changed, parsed.hasMatchedOption("--validation-fraction"), "--validation-fraction", validationFraction,
                o.validationFraction());
        compare(changed, parsed.hasMatchedOption("--eval-every"), "--eval-every", evalEvery, o.evalEvery());
        for (String flag : List.of("--tokens", "--minutes", "--checkpoint-minutes", "--init", "--text", "--from-topic",
                "--input-format")) {
            if (parsed.hasMatchedOption(flag)) {
                changed.add(flag + " was given (the run keeps what it started with: " + settings.length()
                        + (settings.corpus().readsTopic() ? ", topic " + settings.corpus().topic() : ", its --text files")
                        + ")");
            }
        }
        return changed;
    }

    private static void compare(List<String> changed, boolean given, String flag, Object value, Object stored) {
        if (given && !Objects.equals(String.valueOf(value), String.valueOf(stored))) {
            changed.add(flag + " is " + value + " but the run has " + stored);
        }
    }

    /** The corpus of the flags, or of an earlier run's snapshot. */
    private TrainCorpus readCorpus(TrainCorpus.Source stored) {
        try {
            if (stored != null && !stored.readsTopic()) {
                return TrainCorpus.ofFiles(stored.files().stream().map(Path::of).toList());
            }
            if (stored == null && textFiles != null) {
                return TrainCorpus.ofFiles(textFiles);
            }
            String topic = stored != null ? stored.topic()
                    : fromTopic.isEmpty() ? TopicDefinitions.load(topicPrefix).name("texts") : fromTopic;
            InputFormat format = stored != null ? stored.format() : inputFormat;
            Map<String, Object> props = cluster.clientProperties(cluster.resolve());
            // The serde the pipeline reads TextEvents with, configured the same way from the cluster's properties.
            try (AvroSerde<TextEvent> avro = format == InputFormat.AVRO ? new AvroSerde<>(TextEvent.class) : null) {
                if (avro != null) {
                    avro.configure(props, false);
                }
                return TrainCorpus.ofTopic(props, topic, format, avro == null ? null : avro.deserializer(),
                        stored == null ? null : stored.endOffsets());
            }
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    /** Before the tokenizer is trained: even one token per byte could not fill the windows the split needs. */
    private void requireRoomForWindows(TrainCorpus corpus, int contextLength) {
        if (corpus.documents().isEmpty()) {
            throw usage("the corpus is empty: " + corpus.description());
        }
        long mostTokens = corpus.utf8Bytes() + corpus.documents().size();
        long needed = 2L * (contextLength + 1);
        if (mostTokens < needed) {
            throw usage("the corpus is too small for --context " + contextLength + ": " + corpus.utf8Bytes()
                    + " bytes make at most " + mostTokens + " tokens, and training and validation need at least "
                    + needed + " (a window of context + 1 tokens each); give more text or a smaller --context");
        }
    }

    /** Every document's tokens, each followed by {@code <|endoftext|>}; documents are encoded in parallel, in order. */
    private TokenCorpus tokenize(TrainCorpus corpus, ByteLevelBpeTokenizer tokenizer, GptConfig config) {
        long t = System.nanoTime();
        List<int[]> encoded = corpus.documents().parallelStream().map(tokenizer::encode).toList();
        int eot = tokenizer.endOfTextId();
        long total = encoded.stream().mapToLong(e -> e.length + 1L).sum();
        if (total > Integer.MAX_VALUE - 8) {
            throw usage("the corpus has " + total + " tokens, more than one run can hold (" + (Integer.MAX_VALUE - 8) + ")");
        }
        int[] ids = new int[(int) total];
        int o = 0;
        for (int[] e : encoded) {
            System.arraycopy(e, 0, ids, o, e.length);
            o += e.length;
            ids[o++] = eot;
        }
        TokenCorpus tokens = new TokenCorpus(ids);
        if (tokens.maxTokenId() >= config.vocabSize()) {
            throw usage("the tokenizer gives id " + tokens.maxTokenId() + " but the model has " + config.vocabSize()
                    + " embeddings");
        }
        main.stderr().printf(Locale.ROOT, "semstream: %,d tokens (%.2f bytes per token) in %.1f s%n", tokens.size(),
                corpus.utf8Bytes() / (double) tokens.size(), (System.nanoTime() - t) / 1e9);
        return tokens;
    }

    private CorpusSplit split(TokenCorpus tokens, int contextLength) {
        try {
            return tokens.split(contextLength, validationFraction);
        } catch (TrainingException e) {
            throw usage(e.getMessage() + "; give more text or a smaller --context");
        }
    }

    private TrainingOptions options(long steps) {
        long warmup = Math.min(TrainingOptions.defaults().warmupSteps(), steps / 20);
        return TrainingOptions.defaults().withBatch(batch).withAccumulation(accumulation)
                .withLearningRates(learningRate, learningRate / 10).withSteps(steps, warmup).withSeed(seed)
                .withEvaluation(evalEvery, TrainingOptions.defaults().evalBatches())
                .withCheckpointEvery(Duration.ofMillis(Math.round(checkpointMinutes * 60_000)))
                .withValidationFraction(validationFraction);
    }

    private static void copyTokenizer(Path from, Path to) throws IOException {
        if (!from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
            for (String f : List.of(HfGpt2Checkpoint.VOCAB_FILE, HfGpt2Checkpoint.MERGES_FILE)) {
                Files.copy(from.resolve(f), to.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static String describe(GptConfig c) {
        return String.format(Locale.ROOT, "GPT-2 of %d layers, %d heads, width %d, context %d, vocab %d", c.layers(),
                c.heads(), c.dim(), c.contextLength(), c.vocabSize());
    }

    private static String title(GptConfig c) {
        return String.format(Locale.ROOT, "%d layers x %d heads x %d wide, context %d, vocab %d", c.layers(), c.heads(),
                c.dim(), c.contextLength(), c.vocabSize());
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
