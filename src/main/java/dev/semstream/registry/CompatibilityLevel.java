package dev.semstream.registry;

/** The compatibility levels of the Confluent Schema Registry API, as it spells them on the wire. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE
}
