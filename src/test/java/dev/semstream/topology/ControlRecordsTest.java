package dev.semstream.topology;

import dev.semstream.topology.ControlState.ActiveModel;
import dev.semstream.topology.ControlState.BuildProgress;
import dev.semstream.topology.ControlState.ModelBuild;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The control records as every instance applies them, in the topic's order: a cancel against a switch. */
class ControlRecordsTest {
    private static final long REQUESTED = 1_000;
    private static final String OLD = "old@1";
    private static final String NEW = "new@2";

    /** The old model active, a build of the new one requested, partition 0 reporting on it. */
    private static ControlState building() {
        ControlState s = ControlRecords.apply(ControlState.EMPTY, ControlRecords.ACTIVE,
                ControlRecords.active(new ActiveModel(OLD, "default", 1, null)));
        s = ControlRecords.apply(s, ControlRecords.BUILD, ControlRecords.build(new ModelBuild("/models/new", REQUESTED,
                2, false, 60_000)));
        return progress(s, 0, REQUESTED);
    }

    private static ControlState progress(ControlState s, int partition, long requestedAt) {
        return ControlRecords.apply(s, ControlRecords.progressKey(partition), ControlRecords.progress(
                new BuildProgress(NEW, requestedAt, 3, 10, false, 2_000)));
    }

    /** The switch as partition 0's task writes it, in order. */
    private static ControlState switchTo(ControlState s) {
        s = ControlRecords.apply(s, ControlRecords.ACTIVE, ControlRecords.switched(new ActiveModel(NEW, "/models/new",
                5_000, OLD), REQUESTED));
        s = ControlRecords.apply(s, ControlRecords.retiredKey(NEW), null);
        s = ControlRecords.apply(s, ControlRecords.keptKey(NEW), null);
        s = ControlRecords.apply(s, ControlRecords.retiredKey(OLD), ControlRecords.retired(65_000, REQUESTED));
        return ControlRecords.apply(s, ControlRecords.BUILD, null);
    }

    @Test
    void aCancelRemovesTheBuildAndDropsTheModelsItsPartitionsReported() {
        ControlState s = ControlRecords.apply(building(), ControlRecords.CANCEL, ControlRecords.cancel(REQUESTED, 3_000));
        assertNull(s.build());
        assertTrue(s.wasCancelled(REQUESTED));
        assertEquals("/models/new", s.cancelled().location());
        assertEquals(Map.of(NEW, 3_000L), s.dropping());
        assertEquals(OLD, s.active().model(), "the active model stays");
        assertFalse(s.caughtUp(NEW));
    }

    @Test
    void aPartitionReportingAfterTheCancelHasItsModelDroppedToo() {
        ControlState s = ControlRecords.apply(ControlRecords.apply(building(), ControlRecords.progressKey(0), null),
                ControlRecords.CANCEL, ControlRecords.cancel(REQUESTED, 3_000));
        assertTrue(s.dropping().isEmpty(), "no partition had reported");
        s = progress(s, 1, REQUESTED);
        assertEquals(Map.of(NEW, 3_000L), s.dropping(), "a task that had not read the cancel wrote vectors of it");
    }

    @Test
    void aCancelOfABuildThatIsNoLongerCurrentIsIgnored() {
        ControlState switched = switchTo(building());
        assertSame(switched, ControlRecords.apply(switched, ControlRecords.CANCEL, ControlRecords.cancel(REQUESTED, 9_000)),
                "the switch came first: too late");
        ControlState other = ControlRecords.apply(building(), ControlRecords.CANCEL, ControlRecords.cancel(REQUESTED - 1, 9_000));
        assertEquals(REQUESTED, other.build().requestedAt(), "a cancel of an earlier request leaves this one");
    }

    @Test
    void aSwitchThatCrossedTheCancelOnTheTopicIsIgnoredWholeAndTheActiveModelStays() {
        ControlState cancelled = ControlRecords.apply(building(), ControlRecords.CANCEL, ControlRecords.cancel(REQUESTED, 3_000));
        ControlState after = switchTo(cancelled);
        assertEquals(OLD, after.active().model());
        assertFalse(after.retired().containsKey(OLD), "the old model is not retired by the stale switch");
        assertEquals(Map.of(NEW, 3_000L), after.dropping());
    }

    @Test
    void aCancelledModelBuiltAgainAndSwitchedToIsNoLongerDropped() {
        ControlState s = ControlRecords.apply(building(), ControlRecords.CANCEL, ControlRecords.cancel(REQUESTED, 3_000));
        long again = REQUESTED + 10_000;
        s = ControlRecords.apply(s, ControlRecords.BUILD, ControlRecords.build(new ModelBuild("/models/new", again,
                1, false, 0)));
        s = ControlRecords.apply(s, ControlRecords.ACTIVE, ControlRecords.switched(new ActiveModel(NEW, "/models/new",
                20_000, OLD), again));
        assertEquals(NEW, s.active().model());
        assertTrue(s.dropping().isEmpty());
    }
}
