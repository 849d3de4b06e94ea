package dev.semstream.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The models' gauges, read at scrape time: which model is active ({@code semstream_model_active{model}} 1),
 * and a re-embedding's progress over the whole cluster (texts done and total, partitions caught up, rate).
 */
final class ModelGauges {
    private final MultiGauge active;
    private final Supplier<ModelReading> reading;
    private volatile ModelReading last;

    ModelGauges(MeterRegistry registry, Supplier<ModelReading> reading) {
        this.reading = reading;
        this.active = MultiGauge.builder("semstream.model.active").description("1 for the model queries and texts go to")
                .register(registry);
        gauge(registry, "semstream.reembed.texts.done", "texts re-embedded into the model being built, all partitions",
                ModelReading::done);
        gauge(registry, "semstream.reembed.texts.total", "texts of the active model the re-embedding must cover",
                ModelReading::total);
        gauge(registry, "semstream.reembed.partitions.caught.up", "store partitions whose re-embedding has caught up",
                ModelReading::partitionsCaughtUp);
        gauge(registry, "semstream.reembed.texts.per.second", "the re-embedding's rate, as this instance observes it",
                ModelReading::perSecond);
    }

    private void gauge(MeterRegistry registry, String name, String description, ToDoubleFunction<ModelReading> value) {
        Gauge.builder(name, this, g -> g.last == null || g.last.building() == null ? 0 : value.applyAsDouble(g.last))
                .description(description).register(registry);
    }

    void refresh() {
        ModelReading r = reading.get();
        last = r;
        active.register(List.of(MultiGauge.Row.of(Tags.of("model", r.active()), 1)), true);
    }
}
