package dev.semstream.model;

import dev.semstream.model.load.BundledModel;

/** {@code --model bge-small-en-v1.5}: [CLS] pooling, an instruction before queries, nothing before passages. */
class BgeSmallEnV15Test extends BundledEncoderContract {
    @Override
    BundledModel model() {
        return BundledModel.BGE_SMALL_EN_V15;
    }

    @Override
    ModelCard expectedCard() {
        return new ModelCard(Pooling.CLS, true, 512, "Represent this sentence for searching relevant passages: ", "");
    }
}
