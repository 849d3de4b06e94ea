/**
 * Schema registry client and Avro serdes in the Confluent wire format, without Confluent's artifacts (which are not
 * on Maven Central).
 *
 * <ul>
 *   <li>{@link dev.semstream.registry.SchemaRegistry} — what semstream asks of a registry;
 *       {@link dev.semstream.registry.SchemaRegistryClient} speaks the Confluent REST API, with caching, retries,
 *       basic auth and {@link dev.semstream.registry.SchemaRegistryException}s that name the registry, the HTTP
 *       status and the registry's error code.</li>
 *   <li>{@link dev.semstream.registry.AvroSerializer}, {@link dev.semstream.registry.AvroDeserializer},
 *       {@link dev.semstream.registry.AvroSerde} — magic byte 0, 4-byte big-endian schema id, Avro binary;
 *       subjects {@code <topic>-value} / {@code <topic>-key}. What they register is the record's
 *       {@link dev.semstream.registry.PortableSchema} (its {@code .avsc}, without the Java-only properties the
 *       Avro compiler adds), and a subject they create is set BACKWARD compatible.</li>
 * </ul>
 *
 * <p>From a Kafka config map:
 * <pre>{@code
 * props.put("schema.registry.url", "http://registry:8080/apis/ccompat/v7");
 * props.put("basic.auth.user.info", "user:password");      // optional
 * props.put("auto.register.schemas", "false");              // optional, default true
 * props.put("specific.avro.value.type", TextEvent.class);   // deserializer only: the class to read into
 * }</pre>
 * or in code: {@code new AvroSerde<>(new SchemaRegistryClient(url), TextEvent.class)}.
 *
 * <p>Against Apicurio Registry 2.x (its Confluent-compatible API at {@code /apis/ccompat/v7}), schema ids are
 * Apicurio content ids. Apicurio's own serdes interoperate with these when configured with
 * {@code apicurio.registry.as-confluent=true}, {@code apicurio.registry.use-id=contentId} and
 * {@code apicurio.registry.headers.enabled=false}; without {@code use-id=contentId} they write global ids, which
 * differ as soon as one schema is registered under two subjects.
 */
package dev.semstream.registry;
