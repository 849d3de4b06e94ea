package dev.semstream.registry;

import org.apache.avro.Schema;

/**
 * One version of a subject: the schema, its global id (what goes on the wire) and its version number within
 * the subject.
 */
public record SubjectSchema(String subject, int version, int id, Schema schema) {
}
