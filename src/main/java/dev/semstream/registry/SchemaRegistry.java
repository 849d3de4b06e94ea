package dev.semstream.registry;

import org.apache.avro.Schema;

import java.util.Optional;

/**
 * The operations semstream needs from a Confluent-compatible schema registry. {@link SchemaRegistryClient}
 * speaks the REST API; tests and callers can hand over any other implementation.
 *
 * <p>Every method throws {@link SchemaRegistryException} when the registry answers with an error or cannot be
 * reached.
 */
public interface SchemaRegistry {

    /** Registers {@code schema} under {@code subject} (a no-op if it is already there) and returns its id. */
    int register(String subject, Schema schema);

    /** The schema with the given global id. */
    Schema schemaById(int id);

    /** The latest version registered under {@code subject}. */
    SubjectSchema latest(String subject);

    /** Version {@code version} (1-based, as the registry numbers them) of {@code subject}. */
    SubjectSchema version(String subject, int version);

    /**
     * The registration of {@code schema} under {@code subject}, or empty if that subject does not hold it
     * (including when the subject does not exist at all).
     */
    Optional<SubjectSchema> lookup(String subject, Schema schema);

    /** Whether {@code schema} may be registered next under {@code subject}, per the subject's compatibility level. */
    CompatibilityResult checkCompatibility(String subject, Schema schema);

    /** The registry-wide default compatibility level. */
    CompatibilityLevel compatibility();

    /** Sets the registry-wide default compatibility level. */
    void setCompatibility(CompatibilityLevel level);

    /** The compatibility level that applies to {@code subject} (its own, or else the registry's default). */
    CompatibilityLevel compatibility(String subject);

    /** Sets the compatibility level of one subject. */
    void setCompatibility(String subject, CompatibilityLevel level);
}
