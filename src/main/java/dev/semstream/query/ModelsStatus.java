package dev.semstream.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.semstream.store.VectorIndex;
import dev.semstream.topology.ControlState;
import dev.semstream.topology.ModelControl;
import dev.semstream.topology.ReembedProgress;
import dev.semstream.topology.ReembedRate;

import java.time.Instant;
import java.util.Map;

/**
 * {@code GET /models}: the active model, the one being built with its progress (texts re-embedded of total,
 * rate, ETA, partitions caught up), kept and retiring models, the last re-embedding cancelled, and what this
 * instance holds of each. The progress is the whole cluster's without a fan-out: every store partition's
 * owner reports it on the control topic, which every instance follows.
 */
final class ModelsStatus {
    private final String self;
    private final ModelControl models;
    private final ReembedRate rate;

    ModelsStatus(String self, ModelControl models, ReembedRate rate) {
        this.self = self;
        this.models = models;
        this.rate = rate;
    }

    ObjectNode write() {
        ControlState s = models.state();
        ObjectNode o = Json.newObject();
        ObjectNode active = o.putObject("active");
        active.put("model", models.activeModelId());
        if (s.active() != null) {
            active.put("location", s.active().location());
            active.put("since", Instant.ofEpochMilli(s.active().since()).toString());
            active.put("previous", s.active().previous());
        }
        if (s.build() == null) {
            o.putNull("building");
        } else {
            ReembedRate.Reading r = rate.observe(s, System.nanoTime());
            ReembedProgress p = r.progress();
            ObjectNode b = o.putObject("building");
            b.put("location", s.build().location());
            b.put("model", p.model());
            b.put("requestedAt", Instant.ofEpochMilli(s.build().requestedAt()).toString());
            b.put("done", p.done());
            b.put("total", p.total());
            b.put("percent", p.percentDone());
            b.put("partitions", p.partitions());
            b.put("partitionsCaughtUp", p.caughtUp());
            r.perSecond().ifPresentOrElse(v -> b.put("textsPerSecond", v), () -> b.putNull("textsPerSecond"));
            r.eta().ifPresentOrElse(d -> b.put("etaSeconds", d.toSeconds()), () -> b.putNull("etaSeconds"));
            b.put("keep", s.build().keep());
            b.put("graceSeconds", s.build().graceMs() / 1000);
        }
        ArrayNode kept = o.putArray("kept");
        s.kept().forEach((model, location) -> kept.addObject().put("model", model).put("location", location));
        ArrayNode retiring = o.putArray("retiring");
        s.retired().forEach((model, dropAt) -> retiring.addObject().put("model", model)
                .put("dropAt", Instant.ofEpochMilli(dropAt).toString()));
        if (s.cancelled() == null) {
            o.putNull("cancelled");
        } else {
            ObjectNode c = o.putObject("cancelled");
            c.put("location", s.cancelled().location());
            c.put("requestedAt", Instant.ofEpochMilli(s.cancelled().requestedAt()).toString());
            c.put("at", Instant.ofEpochMilli(s.cancelled().at()).toString());
            s.dropping().keySet().forEach(c.putArray("dropped")::add);
        }
        ObjectNode here = o.putObject("instance");
        here.put("instance", self);
        ObjectNode vectors = here.putObject("vectors");
        for (String model : models.indexes().models()) {
            long n = 0;
            for (Map.Entry<Integer, VectorIndex> e : models.indexes().snapshot(model).entrySet()) {
                n += e.getValue().size();
            }
            vectors.put(model, n);
        }
        return o;
    }
}
