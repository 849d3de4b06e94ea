package dev.semstream.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The control topic's global store on every instance: keeps each key's latest record and tells the
 * instance's {@link ModelControl}. A restore fills the store without this processor, so init replays what
 * the store holds.
 */
final class ControlProcessor implements Processor<String, String, Void, Void> {
    private final ModelControl control;
    private KeyValueStore<String, String> store;

    ControlProcessor(ModelControl control) {
        this.control = control;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(EmbedderConfig.CONTROL_STORE);
        try (KeyValueIterator<String, String> all = store.all()) {
            all.forEachRemaining(kv -> control.follow(kv.key, kv.value));
        }
    }

    @Override
    public void process(Record<String, String> record) {
        if (record.value() == null) {
            store.delete(record.key());
        } else {
            store.put(record.key(), record.value());
        }
        control.follow(record.key(), record.value());
    }
}
