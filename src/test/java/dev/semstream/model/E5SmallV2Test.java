package dev.semstream.model;

import dev.semstream.model.load.BundledModel;

/** {@code --model e5-small-v2}: mean pooling, "query: " before queries and "passage: " before passages. */
class E5SmallV2Test extends BundledEncoderContract {
    @Override
    BundledModel model() {
        return BundledModel.E5_SMALL_V2;
    }

    @Override
    ModelCard expectedCard() {
        return new ModelCard(Pooling.MEAN, true, 512, "query: ", "passage: ");
    }
}
