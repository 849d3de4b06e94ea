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
import org.apache.kafka.clients.admin.Admin;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
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
                topic.write(ControlRecords.BUILD, ControlRecords.build(new ModelBuild(control.ownLocation(),
                        System.currentTimeMillis(), partitions(clientProperties, inputTopic), false,
                        DEFAULT_GRACE.toMillis())));
            }
        }
        return control;
    }

    /** The input topic's partitions: the store partitions a re-embedding waits for. */
    static int partitions(Map<String, Object> clientProperties, String inputTopic) {
        try (Admin admin = Admin.create(clientProperties)) {
            return admin.describeTopics(List.of(inputTopic)).allTopicNames().get().get(inputTopic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot describe " + inputTopic + ": " + e.getCause(), e.getCause());
        }
    }
}
