package dev.semstream.model.load;

import dev.semstream.kernels.Kernels;
import dev.semstream.model.BertConfig;
import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;

import java.nio.file.Path;

/**
 * Small random BERT encoders with MiniLM's vocabulary, for tests that need a second model to switch to (a
 * re-embedding) without loading a real one: 64 wide, 2 layers, milliseconds a batch. Each seed is another
 * model (another model id), with other dimensions than MiniLM's 384.
 */
public final class SmallEncoders {
    private static final BertConfig SMALL = new BertConfig(30522, 64, 2, 4, 128, 128, 2, 1e-12f);

    private SmallEncoders() {
    }

    /** The seed's model as a Hugging Face checkpoint directory, as {@code --model DIR} loads it. */
    public static Path checkpoint(Path dir, long seed) {
        HfBertCheckpoint.write(dir, loaded(seed), SafetensorsDtype.F32, "");
        return dir;
    }

    /** The seed's model, loaded. */
    public static Encoder encoder(long seed) {
        return EncoderModels.assemble(loaded(seed), EncoderOptions.defaults(), Kernels.best());
    }

    private static LoadedEncoder loaded(long seed) {
        return new LoadedEncoder("small-" + seed, SMALL, TestEncoders.random(SMALL, seed, x -> x),
                EncoderModels.classpathResource(BundledModel.ALL_MINILM_L6_V2.tokenizerResource(), BundledModel.ALL_MINILM_L6_V2));
    }
}
