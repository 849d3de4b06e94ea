package dev.semstream.app;

import dev.semstream.topology.ControlRecords;
import dev.semstream.topology.ControlState;
import dev.semstream.topology.ControlState.ActiveModel;
import dev.semstream.topology.ControlState.BuildProgress;
import dev.semstream.topology.ControlTopic;
import dev.semstream.topology.TopicDefinitions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code semstream reembed} against a broker: what it writes to the control topic, and how it waits for the switch. */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReembedCommandTest {
    @TempDir
    static Path dir;
    static BrokerWithTopics kafka;

    @BeforeAll
    static void start() {
        kafka = BrokerWithTopics.start(dir, "re1", "re2", "re3", "re4");
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    ControlTopic control(String prefix) {
        return new ControlTopic(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                TopicDefinitions.load(prefix).name("control"));
    }

    Cli.Run reembed(String prefix, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "reembed";
        all[1] = "--bootstrap-servers";
        all[2] = kafka.bootstrapServers();
        all[3] = "--topic-prefix=" + prefix;
        System.arraycopy(args, 0, all, 4, args.length);
        return Cli.run(all);
    }

    @Test
    void askingWritesTheBuildRecordAndStatusPrintsIt() {
        assertTrue(reembed("re1", "--status").out().contains("active: (none yet)"));
        control("re1").write(ControlRecords.ACTIVE, ControlRecords.active(new ActiveModel("old@1", "default", 1, null)));
        Cli.Run asked = reembed("re1", "--model", "/models/new", "--no-wait", "--grace", "30s");
        assertEquals(0, asked.exit(), asked.err());
        ControlState s = control("re1").read();
        assertEquals("/models/new", s.build().location());
        assertEquals(30_000, s.build().graceMs());
        assertEquals(6, s.build().partitions(), "every partition of the input topic must catch up");
        String status = reembed("re1", "--status").out();
        assertTrue(status.contains("active: old@1") && status.contains("building: 0 of 0 texts"), status);
        assertEquals(2, reembed("re1", "--model", "x", "--grace", "soon").exit(), "a bad duration is a usage error");
    }

    @Test
    void waitingEndsAtTheSwitch() throws Exception {
        ControlTopic topic = control("re2");
        topic.write(ControlRecords.ACTIVE, ControlRecords.active(new ActiveModel("old@1", "default", 1, null)));
        // Plays the pipeline: once the build is asked for, the switch to it.
        Thread pipeline = new Thread(() -> {
            while (true) {
                ControlState s = topic.read();
                if (s.build() != null) {
                    topic.write(ControlRecords.ACTIVE, ControlRecords.active(new ActiveModel("new@2", "/models/new",
                            System.currentTimeMillis(), "old@1")));
                    topic.write(ControlRecords.BUILD, null);
                    return;
                }
            }
        });
        pipeline.setDaemon(true);
        pipeline.start();
        Cli.Run waited = reembed("re2", "--model", "/models/new", "--timeout", "2m");
        pipeline.join();
        assertEquals(0, waited.exit(), waited.out() + waited.err());
        assertTrue(waited.out().contains("switched: new@2 is the active model"), waited.out());
        assertNull(topic.read().build());
        assertEquals(0, reembed("re2", "--model", "/models/new").exit(), "asking for the active model again is a no-op");
    }

    @Test
    void cancelRemovesTheBuildInProgressAndIsRefusedWithNoneOrAfterTheSwitch() {
        ControlTopic topic = control("re3");
        topic.write(ControlRecords.ACTIVE, ControlRecords.active(new ActiveModel("old@1", "default", 1, null)));
        Cli.Run none = reembed("re3", "--cancel");
        assertEquals(1, none.exit(), none.out() + none.err());
        assertTrue(none.err().contains("no re-embedding is in progress to cancel (active: old@1)"), none.err());
        assertEquals(2, reembed("re3", "--cancel", "--status").exit(), "one mode at a time");

        assertEquals(0, reembed("re3", "--model", "/models/new", "--no-wait").exit());
        long requestedAt = topic.read().build().requestedAt();
        // A partition's task began: it reports the new model's id, which the cancel drops everywhere.
        topic.write(ControlRecords.progressKey(0), ControlRecords.progress(new BuildProgress("new@2", requestedAt, 3, 9,
                false, System.currentTimeMillis())));
        Cli.Run cancelled = reembed("re3", "--cancel");
        assertEquals(0, cancelled.exit(), cancelled.out() + cancelled.err());
        assertTrue(cancelled.out().contains("cancelled the re-embedding into /models/new; old@1 stays active, "
                + "and every instance drops the vectors of new@2"), cancelled.out());
        ControlState s = topic.read();
        assertNull(s.build(), "the build request is gone");
        assertTrue(s.wasCancelled(requestedAt));
        assertEquals("old@1", s.active().model());
        String status = reembed("re3", "--status").out();
        assertTrue(status.contains("cancelled: the re-embedding into /models/new at ")
                && status.contains("its vectors dropped (new@2)") && !status.contains("building:"), status);
        Cli.Run again = reembed("re3", "--cancel");
        assertEquals(1, again.exit());
        assertTrue(again.err().contains("no re-embedding is in progress to cancel: the one into /models/new was cancelled at"),
                again.err());

        // Asked again, and this time the pipeline switched (keeping the old model): too late, go back instead.
        assertEquals(0, reembed("re3", "--model", "/models/new", "--no-wait", "--keep").exit());
        topic.write(ControlRecords.ACTIVE, ControlRecords.active(new ActiveModel("new@2", "/models/new",
                System.currentTimeMillis(), "old@1")));
        topic.write(ControlRecords.keptKey("old@1"), ControlRecords.kept("default"));
        topic.write(ControlRecords.BUILD, null);
        Cli.Run late = reembed("re3", "--cancel");
        assertEquals(1, late.exit());
        assertTrue(late.err().contains("the last one switched to new@2 at ")
                && late.err().contains("too late to cancel; to go back, run reembed --model default"), late.err());
        assertEquals("new@2", topic.read().active().model(), "the refused cancel changed nothing");
    }

    @Test
    void aWaitingReembedEndsWhenTheBuildIsCancelled() throws Exception {
        ControlTopic topic = control("re4");
        topic.write(ControlRecords.ACTIVE, ControlRecords.active(new ActiveModel("old@1", "default", 1, null)));
        Cli.Run[] cancel = new Cli.Run[1];
        // Another user cancels once the build is asked for.
        Thread other = new Thread(() -> {
            while (topic.read().build() == null) {
                Thread.onSpinWait();
            }
            cancel[0] = reembed("re4", "--cancel");
        });
        other.setDaemon(true);
        other.start();
        Cli.Run waited = reembed("re4", "--model", "/models/new", "--timeout", "2m");
        other.join();
        assertNotNull(cancel[0]);
        assertEquals(0, cancel[0].exit(), cancel[0].out() + cancel[0].err());
        assertEquals(1, waited.exit(), waited.out() + waited.err());
        assertTrue(waited.out().contains("the re-embedding was cancelled (reembed --cancel); old@1 stays active"),
                waited.out());
    }
}
