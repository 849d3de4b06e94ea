package dev.semstream.app;

import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.store.QueryableIndexes;
import dev.semstream.topology.ControlRecords;
import dev.semstream.topology.ControlState;
import dev.semstream.topology.ControlState.ActiveModel;
import dev.semstream.topology.ControlState.ModelBuild;
import dev.semstream.topology.ControlTopic;
import dev.semstream.topology.ModelControl;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * What an instance does with the control topic before its Streams application starts: on a first start
 * it writes {@code active} for its own model; when another model is active, it loads that one (the
 * pipeline keeps serving it) and asks for a re-embedding into its own, unless one is asked for already.
 */
final class ModelStart {
    /** How long a retired model's vectors stay queryable after a switch that a start asked for. */
    static final Duration DEFAULT_GRACE = Duration.ofMinutes(10);

    private ModelStart() {
    }

    static ModelControl follow(Map<String, Object> clientProperties, String controlTopic, String inputTopic,
                               Encoder own, String ownLocation, BiFunction<String, EncoderOptions, Encoder> loader,
                               QueryableIndexes indexes, Consumer<String> progress) {
        ModelControl control = new ModelControl(own, ownLocation, loader, indexes);
        ControlTopic topic = new ControlTopic(clientProperties, controlTopic);
        ControlState state = topic.read();
        if (state.active() == null) {
            topic.write(ControlRecords.ACTIVE, ControlRecords.active(new ActiveModel(own.modelId(),
                    control.ownLocation(), System.currentTimeMillis(), null)));
            // Two first starts may race: the topic's first record wins, and both follow what it says.
        }
        topic.readAll(control::follow);
        state = control.state();
        String active = state.active().model();
        if (!active.equals(own.modelId())) {
            String location = state.active().location();
            progress.accept("model " + active + " is active; loading it (" + location + ") to serve while "
                    + own.modelId() + " is built beside it");
            control.offer(location, loader.apply(location.equals("default") ? null : location, own.options()));
            ModelBuild build = state.build();
            if (build == null || !build.location().equals(control.ownLocation())) {
                topic.requestBuild(control.ownLocation(), inputTopic, false, DEFAULT_GRACE);
            }
        }
        return control;
    }
}
