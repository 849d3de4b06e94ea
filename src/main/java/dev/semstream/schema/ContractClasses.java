package dev.semstream.schema;

import dev.semstream.avro.Completion;
import dev.semstream.avro.Embedding;
import dev.semstream.avro.FinishReason;
import dev.semstream.avro.Prompt;
import dev.semstream.avro.TextEvent;
import dev.semstream.avro.Timings;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * The classes generated from {@code schemas/}. Avro 1.12 refuses to instantiate classes named by a
 * schema unless they are trusted (a guard against gadget classes in untrusted schemas); these, and only
 * these, are ours to trust.
 */
public final class ContractClasses {
    private static boolean trusted;

    private ContractClasses() {
    }

    /** Adds the contract classes to Avro's global trust list. Idempotent, thread-safe. */
    public static synchronized void trust() {
        if (trusted) {
            return;
        }
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(ClassSecurityValidator.getGlobal(),
                ClassSecurityValidator.builder()
                        .add(TextEvent.class).add(Embedding.class).add(Prompt.class).add(Completion.class)
                        .add(FinishReason.class).add(Timings.class)
                        .build()));
        trusted = true;
    }
}
