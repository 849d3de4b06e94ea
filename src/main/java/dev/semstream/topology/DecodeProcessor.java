package dev.semstream.topology;

import dev.semstream.avro.TextEvent;
import dev.semstream.metrics.EmbedderMetrics;
import dev.semstream.topology.RejectedInput.Reason;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The first step of the embedder: decodes each input record and re-keys it by its id for the repartition
 * topic, so every id lives in the partition of its key whatever key the producer gave it (none, or another);
 * bad records go to the dead-letter topic.
 *
 * <p>A record that needs the Schema Registry while it is down is not the record's fault: it is held, in
 * order, in a changelogged store, and so is every record of this task after it (an upsert or a tombstone of
 * the same id must not overtake it). A wall-clock punctuation retries the oldest held record every
 * {@link #RETRY_INTERVAL}; once the registry answers, the held records are decoded in order. Holding is
 * a store write, so it is exactly once like the rest, and the stream thread never blocks longer than one
 * registry call's own retries (well under {@code max.poll.interval.ms} and the transaction timeout).
 */
final class DecodeProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final Logger LOG = LoggerFactory.getLogger(DecodeProcessor.class);
    static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);
    /** Held records decoded per punctuation at most, so one punctuation does not run past the poll interval. */
    private static final int RETRY_BATCH = 1000;

    private final TextEventDecoder decoder;
    private final EmbedderMetrics metrics;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<Long, PendingText> held;
    private long nextSequence;
    private long heldCount;

    DecodeProcessor(TextEventDecoder decoder, EmbedderMetrics metrics) {
        this.decoder = decoder;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.held = context.getStateStore(EmbedderConfig.HELD_STORE);
        // Held records survive a restart or a move to another instance; count them and go on after the last.
        long last = -1;
        try (KeyValueIterator<Long, PendingText> it = held.all()) {
            while (it.hasNext()) {
                last = it.next().key;
                heldCount++;
            }
        }
        nextSequence = last + 1;
        context.schedule(RETRY_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> retryHeld());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata source = context.recordMetadata().orElseThrow();
        PendingText input = new PendingText(null, record.timestamp(), source.topic(), source.partition(),
                source.offset(), record.key(), record.value(), 0);
        if (heldCount > 0 || !decoded(input)) {
            hold(input);
        }
    }

    /** Forwards the record by id, or as a dead letter; false, with nothing forwarded, if the registry is down. */
    private boolean decoded(PendingText input) {
        try {
            if (input.rawValue() == null) {
                String id = TextEventDecoder.tombstoneId(input.rawKey());
                context.forward(new Record<>(id, null, input.timestamp()), EmbedderTopology.BY_ID);
                return true;
            }
            long size = (long) input.rawValue().length + (input.rawKey() == null ? 0 : input.rawKey().length);
            if (size > RecordLimits.MAX_INPUT_BYTES) {
                throw new RejectedInput(Reason.RECORD_TOO_LARGE, "the key and value have " + size
                        + " bytes, more than the limit of " + RecordLimits.MAX_INPUT_BYTES);
            }
            long decodeStart = System.nanoTime();
            TextEvent event = decoder.decode(input.topic(), input.rawKey(), input.rawValue());
            metrics.decoded(System.nanoTime() - decodeStart);
            // The id wins over the key: the event names itself, and a producer that keys by something
            // else (or by nothing) must not leave one id in two partitions.
            context.forward(new Record<>(event.getId(), new PendingText(event, input.timestamp(), input.topic(),
                    input.partition(), input.offset(), input.rawKey(), input.rawValue(), 0), input.timestamp()),
                    EmbedderTopology.BY_ID);
        } catch (RejectedInput rejection) {
            metrics.deadLetters().count(rejection.reason());
            context.forward(DeadLetters.record(rejection, input.topic(), input.partition(), input.offset(),
                    input.rawKey(), input.rawValue(), input.timestamp()), EmbedderTopology.DECODE_DEAD_LETTER_SINK);
        } catch (SerializationException registryDown) {
            if (heldCount == 0) {
                LOG.warn("the schema registry cannot be reached; holding {}-{} from offset {} until it answers: {}",
                        input.topic(), input.partition(), input.offset(), registryDown.getMessage());
            }
            return false;
        }
        return true;
    }

    private void hold(PendingText input) {
        held.put(nextSequence++, input);
        heldCount++;
    }

    /** Decodes held records in order until the registry fails again or none is left. */
    private void retryHeld() {
        while (heldCount > 0) {
            List<KeyValue<Long, PendingText>> oldest = new ArrayList<>();
            try (KeyValueIterator<Long, PendingText> it = held.all()) {
                while (it.hasNext() && oldest.size() < RETRY_BATCH) {
                    oldest.add(it.next());
                }
            }
            for (KeyValue<Long, PendingText> kv : oldest) {
                if (!decoded(kv.value)) {
                    return;
                }
                held.delete(kv.key);
                heldCount--;
            }
            if (heldCount == 0) {
                LOG.info("the schema registry answers again; every held record of task {} is decoded",
                        context.taskId());
            }
            if (oldest.size() == RETRY_BATCH) {
                return; // the rest at the next punctuation, so this one stays short
            }
        }
    }
}
