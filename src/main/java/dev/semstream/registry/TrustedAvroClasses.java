package dev.semstream.registry;

import org.apache.avro.Schema;
import org.apache.avro.util.ClassSecurityValidator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lets Avro instantiate the specific classes a deserializer was told to read into.
 *
 * <p>Since 1.12 Avro refuses to load a class named in a schema unless it is trusted (a guard against schemas that
 * name gadget classes), and by default trusts only its own and the JDK's. A deserializer for {@code TextEvent} must
 * therefore vouch for {@code TextEvent} and the records and enums nested in its schema. It vouches for exactly
 * those classes — the ones its caller chose — and never for whatever a writer's schema names. Avro keeps one
 * process-wide predicate, so ours is added to it once, next to the existing one (system properties included).
 */
public final class TrustedAvroClasses {
    private static final Set<String> TRUSTED = ConcurrentHashMap.newKeySet();
    private static boolean installed;

    private TrustedAvroClasses() {
    }

    /** Trusts {@code type} and the classes of the named types in its schema. */
    public static void trust(Class<?> type, Schema schema) {
        install();
        TRUSTED.add(type.getName());
        Deque<Schema> todo = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        todo.add(schema);
        while (!todo.isEmpty()) {
            Schema s = todo.poll();
            switch (s.getType()) {
                case RECORD -> {
                    if (seen.add(s.getFullName())) {
                        TRUSTED.add(s.getFullName());
                        s.getFields().forEach(f -> todo.add(f.schema()));
                    }
                }
                case ENUM, FIXED -> TRUSTED.add(s.getFullName());
                case ARRAY -> todo.add(s.getElementType());
                case MAP -> todo.add(s.getValueType());
                case UNION -> todo.addAll(s.getTypes());
                default -> { }
            }
        }
    }

    private static synchronized void install() {
        if (installed) return;
        ClassSecurityValidator.ClassSecurityPredicate previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(previous, c -> TRUSTED.contains(c.getName())));
        installed = true;
    }
}
