package dev.semstream.metrics;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Records on an input topic not yet read by a Streams application's main consumers, by partition, from
 * their {@code records-lag} metric (the restore consumers' lag is of changelogs, not input). A partition
 * this instance does not consume has no entry.
 */
public final class InputLag {
    private InputLag() {
    }

    public static SortedMap<Integer, Long> byPartition(KafkaStreams streams, String topic) {
        SortedMap<Integer, Long> lag = new TreeMap<>();
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
            MetricName m = e.getKey();
            String partition = m.tags().get("partition");
            if (m.group().equals("consumer-fetch-manager-metrics") && m.name().equals("records-lag")
                    && topic.equals(m.tags().get("topic")) && partition != null
                    && !m.tags().getOrDefault("client-id", "").contains("restore-consumer")
                    && e.getValue().metricValue() instanceof Double d && Double.isFinite(d)) {
                lag.merge(Integer.parseInt(partition), (long) (double) d, Long::sum);
            }
        }
        return lag;
    }

    /** The sum over the partitions. */
    public static long total(KafkaStreams streams, String topic) {
        return byPartition(streams, topic).values().stream().mapToLong(Long::longValue).sum();
    }
}
