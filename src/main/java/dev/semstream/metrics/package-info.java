/**
 * The pipeline's metrics in one place: the Prometheus registry behind {@code GET /metrics}, the meters
 * the topology and the HTTP API record into, and the bridge of Kafka Streams' own metrics. Only this
 * package imports Micrometer; the engine (kernels, tokenize, model, store) knows nothing of it, and the
 * callers (topology, query) hold the typed meter groups below, made once, so recording allocates nothing.
 */
package dev.semstream.metrics;
