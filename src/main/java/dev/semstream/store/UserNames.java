package dev.semstream.store;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The names users write for the store's enums: the constant's name in lower case, read back in any case. */
final class UserNames {
    private UserNames() {
    }

    static String of(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }

    /** The constant a user named (surrounding blanks and case ignored), or null when none is. */
    static <E extends Enum<E>> E find(E[] values, String name) {
        if (name != null) {
            String wanted = name.trim().toUpperCase(Locale.ROOT);
            for (E e : values) {
                if (e.name().equals(wanted)) {
                    return e;
                }
            }
        }
        return null;
    }

    /** The names to offer in an error: {@code a, b, c}. */
    static String list(Enum<?>[] values) {
        return Arrays.stream(values).map(UserNames::of).collect(Collectors.joining(", "));
    }
}
