package dev.semstream.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.semstream.model.TextVector;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code semstream embed}: texts from the arguments, or from stdin one per line, to one JSON line each
 * on stdout. Nothing else goes to stdout, so the output can be piped straight into jq or a file.
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed texts with the in-process encoder and print one JSON line per text:",
                "{\"text\", \"tokens\", \"truncated\", \"model\", \"dimensions\", \"vector\"}.",
                "Texts come from the arguments, or from stdin (one per line, UTF-8) when there are none."})
final class EmbedCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The run this command belongs to: its streams and where it gets encoders. */
    @ParentCommand
    Main run;

    @Parameters(arity = "0..*", paramLabel = "TEXT", description = "Texts to embed; none means read stdin.")
    List<String> texts = new ArrayList<>();

    @Mixin
    EncoderFlags encoderFlags;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Texts per forward pass when reading stdin (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws IOException {
        EncoderOptions options = encoderFlags.options(spec);
        if (batchSize < 1) {
            throw new ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
        }
        Encoder encoder = run.encoderLoader.apply(encoderFlags.model, options);
        OutputStream stdout = run.stdout;
        try (JsonGenerator json = new JsonFactory().createGenerator(stdout, JsonEncoding.UTF8)) {
            json.setRootValueSeparator(null);
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (!texts.isEmpty()) {
                write(json, encoder, texts);
            } else {
                readStdin(json, encoder);
            }
        }
        stdout.flush();
        return 0;
    }

    private void readStdin(JsonGenerator json, Encoder encoder) throws IOException {
        // Strict decoding: a byte sequence that is not UTF-8 is an error, never a silent U+FFFD.
        Utf8LineReader in = new Utf8LineReader(run.stdin);
        List<String> batch = new ArrayList<>(batchSize);
        try {
            for (String text; (text = in.readLine()) != null; ) {
                batch.add(text);
                if (batch.size() == batchSize) {
                    write(json, encoder, batch);
                    batch.clear();
                }
            }
        } catch (CharacterCodingException e) {
            // The lines before the bad one still come out, so what a failed run prints does not depend
            // on --batch-size: every line up to the error, each complete.
            write(json, encoder, batch);
            throw new IllegalArgumentException("stdin line " + in.lineNumber() + " is not valid UTF-8");
        }
        write(json, encoder, batch);
    }

    private static void write(JsonGenerator json, Encoder encoder, List<String> batch) throws IOException {
        if (batch.isEmpty()) {
            return;
        }
        List<TextVector> vectors = encoder.embed(batch);
        for (int i = 0; i < batch.size(); i++) {
            TextVector e = vectors.get(i);
            json.writeStartObject();
            json.writeStringField("text", batch.get(i));
            json.writeNumberField("tokens", e.tokenCount());
            json.writeBooleanField("truncated", e.truncated());
            json.writeStringField("model", encoder.modelId());
            json.writeNumberField("dimensions", e.vector().length);
            json.writeFieldName("vector");
            json.writeStartArray();
            for (float v : e.vector()) {
                json.writeNumber(v);
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeRaw('\n');
        }
        json.flush();
    }
}
