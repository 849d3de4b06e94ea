package dev.semstream.query;

import dev.semstream.model.Encoder;
import dev.semstream.topology.ModelControl;

import java.util.Objects;

/**
 * The encoder of the model active now, looked up at each request: a {@code semstream reembed} switches the
 * active model while the API serves, and every route that embeds or tokenizes a text must follow it, not the
 * encoder the instance started with.
 */
final class ActiveEncoder {
    private final ModelControl models;

    ActiveEncoder(ModelControl models) {
        this.models = Objects.requireNonNull(models, "models");
    }

    /** @throws ApiException 503 while the active model's encoder is not loaded on this instance */
    Encoder get() {
        return models.activeEncoder().orElseThrow(() -> ApiException.unavailable("the active model "
                + models.activeModelId() + " is not loaded on this instance"));
    }

    /** The active model's id, known from the control topic even where its encoder is not loaded. */
    String modelId() {
        return models.activeModelId();
    }
}
