package dev.semstream.train;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The fields two records of one type differ in, named, for a message refusing a mismatch. */
final class Differences {
    private Differences() {
    }

    /** e.g. {@code ["learningRate 0.001 in the checkpoint, 0.002 given"]}; empty when the records are equal. */
    static <R extends Record> List<String> of(R checkpoint, R given) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : checkpoint.getClass().getRecordComponents()) {
            Object a = value(c, checkpoint);
            Object b = value(c, given);
            if (!Objects.equals(a, b)) {
                out.add(c.getName() + " " + a + " in the checkpoint, " + b + " given");
            }
        }
        return out;
    }

    private static Object value(RecordComponent c, Record r) {
        try {
            return c.getAccessor().invoke(r);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + c.getName() + " of " + r, e);
        }
    }
}
