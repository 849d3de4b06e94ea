package dev.semstream.topology;

import dev.semstream.model.Encoder;
import dev.semstream.model.EncoderOptions;
import dev.semstream.store.QueryableIndexes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.BiFunction;

/**
 * This instance's view of the control topic and the encoders it names: which model is active, which is
 * being built, kept or retired, and the loaded encoder of each, loaded off the stream thread as soon as
 * a record names its location. Followed by the global store's processor ({@link ControlProcessor}); read by
 * the embed tasks (which models to embed with) and the query API (which model answers).
 */
public final class ModelControl {
    private static final Logger LOG = LoggerFactory.getLogger(ModelControl.class);
    private static final ExecutorService LOADS = IdleExitingThread.named("semstream-model-load");

    private final Encoder own;
    private final String ownLocation;
    private final BiFunction<String, EncoderOptions, Encoder> loader;
    private final QueryableIndexes indexes;
    /** By location (the {@code --model} value); a failed load stays failed, with its exception. */
    private final Map<String, CompletableFuture<Encoder>> encoders = new ConcurrentHashMap<>();
    private volatile ControlState state = ControlState.EMPTY;
    private final ReembedRate rate = new ReembedRate();

    /**
     * @param own         the encoder of this instance's {@code --model}, loaded already
     * @param ownLocation its {@code --model} value (null for the bundled default)
     * @param loader      loads another location's encoder with these options ({@code EncoderModels.named})
     */
    public ModelControl(Encoder own, String ownLocation, BiFunction<String, EncoderOptions, Encoder> loader,
                        QueryableIndexes indexes) {
        this.own = own;
        this.ownLocation = location(ownLocation);
        this.loader = loader;
        this.indexes = indexes;
        encoders.put(this.ownLocation, CompletableFuture.completedFuture(own));
        indexes.activate(own.modelId());
    }

    /** How a null {@code --model} (the bundled default) is written in control records. */
    public static String location(String modelFlag) {
        return modelFlag == null ? "default" : modelFlag;
    }

    /** A loaded encoder to use for a location (tests, and a start that found another model active). */
    public void offer(String location, Encoder encoder) {
        encoders.putIfAbsent(location(location), CompletableFuture.completedFuture(encoder));
    }

    /** One control record, as the global store took it. */
    public synchronized void follow(String key, String value) {
        ControlState was = state;
        ControlState next = ControlRecords.apply(was, key, value);
        state = next;
        if (next.cancelled() != null && next.cancelled() != was.cancelled()) {
            // A build is often cancelled because its model could not load (a directory missing here): asked
            // for again once it is there, it loads afresh rather than stay failed. A load still under way is
            // let go of too (it ends unused); a loaded encoder goes once its vectors are dropped.
            encoders.computeIfPresent(next.cancelled().location(), (l, f) -> l.equals(ownLocation)
                    || (f.isDone() && !f.isCompletedExceptionally()) ? f : null);
        }
        if (next.active() != null) {
            load(next.active().location());
        }
        if (next.build() != null) {
            load(next.build().location());
        }
        next.kept().values().forEach(this::load);
        indexes.activate(activeModelId());
    }

    /** Where the tasks register each model's indexes, and which model queries get. */
    public QueryableIndexes indexes() {
        return indexes;
    }

    /** The re-embedding's rate and ETA as this instance observes its progress. */
    public ReembedRate rate() {
        return rate;
    }

    public ControlState state() {
        return state;
    }

    public Encoder own() {
        return own;
    }

    public String ownLocation() {
        return ownLocation;
    }

    /** The model queries and texts go to: the control topic's, or this instance's own before it says. */
    public String activeModelId() {
        ControlState s = state;
        return s.active() == null ? own.modelId() : s.active().model();
    }

    /** The active model's encoder, if loaded here (it is, unless its location cannot be loaded on this instance). */
    public Optional<Encoder> activeEncoder() {
        ControlState s = state;
        return s.active() == null ? Optional.of(own) : loaded(s.active().location());
    }

    /** The encoder of the model being built, once loaded here; never the active one. */
    public Optional<Encoder> buildingEncoder() {
        ControlState s = state;
        if (s.build() == null) {
            return Optional.empty();
        }
        return loaded(s.build().location()).filter(e -> !e.modelId().equals(activeModelId()));
    }

    /** A loaded encoder of the model, if any. */
    public Optional<Encoder> encoder(String modelId) {
        for (CompletableFuture<Encoder> f : encoders.values()) {
            if (f.isDone() && !f.isCompletedExceptionally() && f.join().modelId().equals(modelId)) {
                return Optional.of(f.join());
            }
        }
        return Optional.empty();
    }

    /** The encoder of a location, if loaded (and loading it in the background if not yet asked). */
    public Optional<Encoder> loaded(String location) {
        CompletableFuture<Encoder> f = load(location);
        return f.isDone() && !f.isCompletedExceptionally() ? Optional.of(f.join()) : Optional.empty();
    }

    private CompletableFuture<Encoder> load(String location) {
        return encoders.computeIfAbsent(location, l -> CompletableFuture.supplyAsync(() -> {
            LOG.info("loading encoder {} for a model change", l);
            // Another model's card decides its pooling and length (bge pools the CLS token, reads 512 tokens);
            // the options completed for this instance's model would carry its choices over.
            EncoderOptions options = EncoderOptions.fromCard().withNormalize(own.options().normalize())
                    .withLongTexts(own.options().longTexts());
            Encoder e = loader.apply(l.equals("default") ? null : l, options);
            LOG.info("encoder {} loaded: {}", l, e.modelId());
            return e;
        }, LOADS).whenComplete((e, failure) -> {
            if (failure != null) {
                LOG.error("cannot load encoder {}: this instance cannot embed with it", l, failure);
            }
        }));
    }

    /** Lets go of a retired model's encoder. */
    void unload(String modelId) {
        encoders.entrySet().removeIf(e -> !e.getKey().equals(ownLocation) && e.getValue().isDone()
                && !e.getValue().isCompletedExceptionally() && e.getValue().join().modelId().equals(modelId));
    }
}
