package dev.semstream.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.semstream.model.GenerationParams;
import dev.semstream.model.GenerationResult;
import dev.semstream.model.load.EncoderModels;
import dev.semstream.model.load.HfGpt2Checkpoint;
import dev.semstream.model.load.LoadedGpt;
import dev.semstream.model.load.SafetensorsReader;
import dev.semstream.train.StepReport;
import dev.semstream.train.TrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code semstream train} end to end, in process, on tiny shapes and a few steps: the directory it writes is a
 * checkpoint the decoder loads and generates from; a run stopped as Ctrl-C stops it and resumed ends with the
 * same weights as one never stopped; every bad input exits 2 with its reason before anything is written.
 */
class TrainCommandTest {
    /** Genesis 1:1-8 (King James Version, public domain), a few times over: about 2,000 tokens. */
    static final String TEXT = ("In the beginning God created the heaven and the earth. And the earth was without form, "
            + "and void; and darkness was upon the face of the deep. And the Spirit of God moved upon the face of the "
            + "waters. And God said, Let there be light: and there was light. And God saw the light, that it was good: "
            + "and God divided the light from the darkness. And God called the light Day, and the darkness he called "
            + "Night. And the evening and the morning were the first day. And God said, Let there be a firmament in the "
            + "midst of the waters, and let it divide the waters from the waters. And God made the firmament, and "
            + "divided the waters which were under the firmament from the waters which were above the firmament: and "
            + "it was so. And God called the firmament Heaven. And the evening and the morning were the second day.\n")
            .repeat(6);
    /** A shape that trains in moments. */
    static final String[] TINY = {"--layers", "1", "--heads", "2", "--width", "32", "--vocab", "300", "--batch", "2",
            "--eval-every", "3", "--seed", "7", "--context", "16"};

    @TempDir
    static Path dir;
    static Path text;
    static Path trained;
    static Run first;

    record Run(int exit, String err) {
    }

    static Run train(Function<TrainingStop, TrainingListener> observer, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of("train"));
        all.addAll(List.of(args));
        int exit = new Main(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), EncoderModels::named, observer)
                .execute(all.toArray(String[]::new));
        return new Run(exit, err.toString(StandardCharsets.UTF_8));
    }

    static Run train(String... args) {
        return train(stop -> TrainingListener.NONE, args);
    }

    static String[] with(String[] base, String... more) {
        return Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
    }

    @BeforeAll
    static void trainOnce() throws Exception {
        text = Files.writeString(dir.resolve("genesis.txt"), TEXT);
        trained = dir.resolve("trained");
        first = train(with(TINY, "--text", text.toString(), "--out", trained.toString(), "--steps", "6"));
    }

    @Test
    void writesACheckpointTheDecoderLoadsAndGeneratesFrom() throws Exception {
        assertEquals(0, first.exit(), first.err());
        for (String f : List.of("config.json", "model.safetensors", "vocab.json", "merges.txt", "train.json",
                "loss.csv", "loss.png", "checkpoint", "evaluation.json")) {
            assertTrue(Files.exists(trained.resolve(f)), f + " missing; " + first.err());
        }
        LoadedGpt gpt = HfGpt2Checkpoint.load(trained);
        assertEquals(300, gpt.config().vocabSize());
        assertEquals(16, gpt.config().contextLength());
        assertEquals(300, gpt.tokenizer().vocabSize());
        var hfConfig = new com.fasterxml.jackson.databind.ObjectMapper().readTree(trained.resolve("config.json").toFile());
        assertEquals(299, hfConfig.get("eos_token_id").asInt(), "the trained tokenizer's <|endoftext|>, not GPT-2's 50256");
        assertEquals(299, gpt.tokenizer().endOfTextId());
        GenerationResult result = gpt.generator().generate("And God said",
                GenerationParams.defaults().withMaxTokens(5).withTemperature(0));
        assertTrue(result.promptTokens() > 0 && result.text() != null, result.toString());
        List<String> csv = Files.readAllLines(trained.resolve("loss.csv"));
        assertEquals(LossCsv.HEADER, csv.get(0));
        // The evaluation before the first step, then one row per step; steps 3 and 6 evaluated.
        assertEquals(8, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(1).startsWith("0,,"), csv.get(1));
        assertFalse(csv.get(4).split(",", -1)[2].isEmpty(), csv.get(4));
        assertFalse(csv.get(7).split(",", -1)[2].isEmpty(), csv.get(7));
        assertTrue(first.err().contains("semstream: step 6/6 (100%)"), first.err());
        var evaluation = new com.fasterxml.jackson.databind.ObjectMapper().readTree(trained.resolve("evaluation.json").toFile());
        assertTrue(evaluation.get("validationTokens").asLong() > 0, evaluation.toString());
        for (String loss : List.of("validationLoss", "unigramLoss", "bigramLoss")) {
            double v = evaluation.get(loss).asDouble();
            assertTrue(v > 0 && v < Math.log(300) + 1, loss + " " + v);
        }
        assertTrue(first.err().contains("held-out tokens: validation loss"), first.err());
        assertTrue(first.err().contains("./semstream run --generator-model " + trained), first.err());
    }

    @Test
    void stoppedAsByCtrlCAndResumedItEndsWithTheWeightsOfARunNeverStopped() throws Exception {
        Path stopped = dir.resolve("stopped");
        Run interrupted = train(stop -> new TrainingListener() {
            @Override
            public void step(StepReport r) {
                if (r.step() == 2) {
                    stop.request();
                }
            }
        }, with(TINY, "--text", text.toString(), "--out", stopped.toString(), "--steps", "6"));
        assertEquals(TrainCommand.STOPPED, interrupted.exit(), interrupted.err());
        assertTrue(interrupted.err().contains("./semstream train --resume --out " + stopped), interrupted.err());
        assertFalse(Files.exists(stopped.resolve("model.safetensors")), "no final model before the last step");

        Run changed = train("--resume", "--out", stopped.toString(), "--layers", "2");
        assertEquals(2, changed.exit(), changed.err());
        assertTrue(changed.err().contains("--layers is 2 but the run has 1"), changed.err());

        Run resumed = train("--resume", "--out", stopped.toString());
        assertEquals(0, resumed.exit(), resumed.err());
        assertTrue(resumed.err().contains("resuming"), resumed.err());
        assertEquals(List.of(), differingTensors(trained, stopped), () -> "resumed weights differ from unbroken ones:\n"
                + interrupted.err() + "\n" + resumed.err());
        assertArrayEquals(Files.readAllBytes(trained.resolve("model.safetensors")),
                Files.readAllBytes(stopped.resolve("model.safetensors")));
        assertEquals(Files.readAllLines(trained.resolve("loss.csv")).stream().map(TrainCommandTest::losses).toList(),
                Files.readAllLines(stopped.resolve("loss.csv")).stream().map(TrainCommandTest::losses).toList());
    }

    /** The resume a Ctrl-C prints has no --dtype: the run's own is kept (the default generator's BF16 came out F32). */
    @Test
    void aResumedRunWritesItsWeightsInTheTypeItStartedWith() throws Exception {
        Path stopped = dir.resolve("stopped-bf16");
        Run interrupted = train(stop -> new TrainingListener() {
            @Override
            public void step(StepReport r) {
                if (r.step() == 1) {
                    stop.request();
                }
            }
        }, with(TINY, "--text", text.toString(), "--out", stopped.toString(), "--steps", "3", "--dtype", "BF16"));
        assertEquals(TrainCommand.STOPPED, interrupted.exit(), interrupted.err());
        Run resumed = train("--resume", "--out", stopped.toString());
        assertEquals(0, resumed.exit(), resumed.err());
        try (SafetensorsReader weights = SafetensorsReader.open(stopped.resolve("model.safetensors"))) {
            assertEquals("BF16", weights.tensors().get("wte.weight").dtype());
        }
    }

    /** The tensors of two model directories that are not the same bit for bit, with their largest difference. */
    private static List<String> differingTensors(Path a, Path b) {
        List<String> differ = new ArrayList<>();
        try (SafetensorsReader x = SafetensorsReader.open(a.resolve("model.safetensors"));
             SafetensorsReader y = SafetensorsReader.open(b.resolve("model.safetensors"))) {
            for (String name : x.tensors().keySet()) {
                float[] u = x.floats(name);
                float[] v = y.floats(name);
                double worst = 0;
                for (int i = 0; i < u.length; i++) {
                    if (Float.floatToRawIntBits(u[i]) != Float.floatToRawIntBits(v[i])) {
                        worst = Math.max(worst, Math.abs((double) u[i] - v[i]));
                    }
                }
                if (worst > 0) {
                    differ.add(name + " by up to " + worst);
                }
            }
        }
        return differ;
    }

    /** A loss.csv row without its tokens/s, which differs run to run. */
    private static String losses(String row) {
        return row.substring(0, row.lastIndexOf(','));
    }

    @Test
    void fineTunesAnExistingCheckpointKeepingItsTokenizer() throws Exception {
        Path tuned = dir.resolve("tuned");
        Run run = train("--init", trained.toString(), "--text", text.toString(), "--out", tuned.toString(),
                "--steps", "2", "--batch", "2");
        assertEquals(0, run.exit(), run.err());
        assertArrayEquals(Files.readAllBytes(trained.resolve("vocab.json")), Files.readAllBytes(tuned.resolve("vocab.json")));
        assertArrayEquals(Files.readAllBytes(trained.resolve("merges.txt")), Files.readAllBytes(tuned.resolve("merges.txt")));
        assertEquals(HfGpt2Checkpoint.load(trained).config(), HfGpt2Checkpoint.load(tuned).config());
        assertTrue(new ObjectMapper().readTree(tuned.resolve("train.json").toFile()).get("init").asText()
                .endsWith("trained"));
    }

    @Test
    void everyBadInputExits2WithItsReasonBeforeAnyWork() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), " \n<|endoftext|>\n");
        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "Let there be light.");
        Path bad = dir.resolve("bad");
        String t = text.toString();
        String o = bad.toString();
        assertRefused("nothing to train on: give --text FILE... or --from-topic [TOPIC]", with(TINY, "--out", o));
        assertRefused("the corpus is empty", with(TINY, "--text", empty.toString(), "--out", o));
        assertRefused("the corpus is too small for --context 16", with(TINY, "--text", tiny.toString(), "--out", o));
        // Enough bytes for the windows, too few tokens once the tokenizer has merged them.
        assertRefused("too small to train on", with(Arrays.copyOf(TINY, TINY.length - 1), "1000", "--text", t, "--out", o));
        assertRefused("no such file: " + dir.resolve("none.txt"), with(TINY, "--text", dir.resolve("none.txt").toString(),
                "--out", o));
        assertRefused("--width must be a positive multiple of --heads 4", "--text", t, "--out", o, "--heads", "4",
                "--width", "18");
        assertRefused("--vocab must be at least 257", "--text", t, "--out", o, "--vocab", "256");
        assertRefused("--context must be at least 1", with(Arrays.copyOf(TINY, TINY.length - 1), "0", "--text", t, "--out", o));
        assertRefused("--batch must be at least 1", "--text", t, "--out", o, "--batch", "0");
        assertRefused("--validation-fraction must be above 0 and at most 0.5",
                with(TINY, "--text", t, "--out", o, "--validation-fraction", "0.9"));
        assertRefused("cannot train a tokenizer of --vocab 100000", "--text", t, "--out", o, "--vocab", "100000",
                "--context", "16", "--width", "32");
        assertRefused("--vocab 512 disagrees with the tokenizer of --init " + trained + ", which has 300 ids",
                "--init", trained.toString(), "--vocab", "512", "--text", t, "--out", o);
        assertRefused("--layers 3 disagrees with --init " + trained + ", which has 1", "--init", trained.toString(),
                "--layers", "3", "--text", t, "--out", o);
        assertRefused("no checkpoint to resume in " + bad, "--resume", "--out", o);
        assertRefused(trained + " already holds a training run", with(TINY, "--text", t, "--out", trained.toString()));
        assertRefused("--text and --from-topic exclude each other", with(TINY, "--text", t, "--from-topic", "--out", o));
        assertFalse(Files.exists(bad.resolve("train.json")), "nothing written for a refused run");
    }

    private static void assertRefused(String reason, String... args) {
        Run run = train(args);
        assertEquals(2, run.exit(), String.join(" ", args) + "\n" + run.err());
        assertTrue(run.err().contains(reason), "expected \"" + reason + "\" in:\n" + run.err());
    }
}
