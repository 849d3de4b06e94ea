package dev.semstream.app;

import dev.semstream.topology.ControlRecords;
import dev.semstream.topology.ControlState;
import dev.semstream.topology.ControlState.ActiveModel;
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
        kafka = BrokerWithTopics.start(dir, "re1", "re2");
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
}
