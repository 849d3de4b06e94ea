package dev.semstream.topology;

import dev.semstream.avro.Embedding;
import dev.semstream.model.Encoder;
import dev.semstream.model.TextVector;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * One task's re-embedding of the texts its store holds under the active model into the model being built,
 * on the stream thread, a batch at a time behind live traffic. The store's own texts are the source (see
 * the README): latest per id, deletes applied, in the partition of the task that writes the new vectors.
 *
 * <p>A pass walks the active model's keys from a cursor and sends ids with no vector of the new model to
 * the encoder; a result is written only if the active entry still holds the text that was sent and the new
 * model has no vector of the id yet (an upsert or delete since wins). The cursor is in memory only: after
 * a crash or a move the pass starts again and skips what is done, and what was not committed was never
 * visible (exactly once). The backfill has caught up once a whole pass finds nothing to do and no live
 * batch encoded without the new model was emitted meanwhile.
 */
final class Backfill {
    /** Keys looked at per step at most, so a step keeps the stream thread's poll interval. */
    private static final int SCAN_PER_STEP = 5_000;

    private final String from;
    private final Encoder to;
    private String cursor;
    private boolean sentThisPass;
    private boolean livePassMissed;
    private boolean caughtUp;
    /** Ids the new model failed on: left out of the count, else the rebuild would never finish. */
    private final Set<String> failed = new HashSet<>();
    private LinkedHashMap<String, Embedding> sent;
    private CompletableFuture<List<TextVector>> result;

    Backfill(String from, Encoder to) {
        this.from = from;
        this.to = to;
    }

    String from() {
        return from;
    }

    Encoder to() {
        return to;
    }

    boolean caughtUp() {
        return caughtUp;
    }

    /** A live batch encoded without the new model was written: this pass may have walked past its ids. */
    void liveTextsMissed() {
        livePassMissed = true;
        caughtUp = false;
    }

    /**
     * Writes a finished batch, then sends the next if none is in flight.
     *
     * @param encode sends texts to the encoder (the embedder's queue, behind live batches)
     * @param write  writes the new model's vector for the active entry it was made from
     */
    void step(KeyValueStore<String, Embedding> store, int batchSize,
              Function<List<String>, CompletableFuture<List<TextVector>>> encode, BiConsumer<Embedding, TextVector> write) {
        if (result != null) {
            if (!result.isDone()) {
                return;
            }
            writeResults(store, write);
        }
        if (caughtUp) {
            return;
        }
        LinkedHashMap<String, Embedding> next = new LinkedHashMap<>();
        boolean passEnded = true;
        String start = cursor == null ? VectorKeys.prefix(from) : cursor + '\u0000';
        // The first key after the model's: its separator plus one.
        String end = from + (char) (VectorKeys.SEPARATOR + 1);
        try (KeyValueIterator<String, Embedding> it = store.range(start, end)) {
            int scanned = 0;
            while (it.hasNext()) {
                if (scanned++ >= SCAN_PER_STEP || next.size() >= batchSize) {
                    passEnded = false;
                    break;
                }
                KeyValue<String, Embedding> kv = it.next();
                if (kv.key.equals(end)) {
                    continue;
                }
                cursor = kv.key;
                String id = VectorKeys.id(kv.key);
                if (!failed.contains(id) && store.get(VectorKeys.key(to.modelId(), id)) == null) {
                    next.put(id, kv.value);
                }
            }
        }
        if (!next.isEmpty()) {
            sentThisPass = true;
            List<String> texts = new ArrayList<>(next.size());
            next.values().forEach(e -> texts.add(e.getText()));
            sent = next;
            result = encode.apply(texts);
        }
        if (passEnded) {
            if (!sentThisPass && !livePassMissed) {
                caughtUp = true;
            } else {
                // Again from the start: the batch just sent is written before the next step scans.
                cursor = null;
                sentThisPass = false;
                livePassMissed = false;
            }
        }
    }

    /** Whether a batch is being encoded. */
    boolean inFlight() {
        return result != null;
    }

    private void writeResults(KeyValueStore<String, Embedding> store, BiConsumer<Embedding, TextVector> write) {
        LinkedHashMap<String, Embedding> batch = sent;
        CompletableFuture<List<TextVector>> done = result;
        sent = null;
        result = null;
        List<TextVector> vectors;
        try {
            vectors = done.join();
        } catch (RuntimeException batchFailed) {
            vectors = null;
        }
        int i = 0;
        for (Map.Entry<String, Embedding> e : batch.entrySet()) {
            TextVector v;
            if (vectors != null) {
                v = vectors.get(i++);
            } else {
                try {
                    v = to.embed(e.getValue().getText());
                } catch (RuntimeException textFailed) {
                    failed.add(e.getKey());
                    continue;
                }
            }
            Embedding now = store.get(VectorKeys.key(from, e.getKey()));
            if (now != null && sameText(now, e.getValue()) && store.get(VectorKeys.key(to.modelId(), e.getKey())) == null) {
                write.accept(now, v);
            }
        }
    }

    private static boolean sameText(Embedding a, Embedding b) {
        return a.getText().equals(b.getText()) && a.getEmbeddedAt().equals(b.getEmbeddedAt())
                && Objects.equals(a.getMetadata(), b.getMetadata());
    }
}
