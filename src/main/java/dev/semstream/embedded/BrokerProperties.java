package dev.semstream.embedded;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The configuration of a single-node KRaft broker that is its own controller, fit for exactly-once. */
final class BrokerProperties {

    static final int NODE_ID = 1;
    static final String HOST = "127.0.0.1";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private BrokerProperties() {
    }

    static Map<String, String> of(DataDirectory data, int brokerPort, int controllerPort, Duration startupTimeout) {
        Map<String, String> p = new LinkedHashMap<>();
        // One process, both roles: the broker is its own (static, single-voter) controller quorum.
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", data.logDir().toString());
        // Kafka's startup() blocks until the broker is registered and unfenced; this bounds that wait, so a
        // broker that cannot reach its own controller fails instead of hanging. (Stopping Kafka while its
        // startup() runs on another thread is not safe, so the deadline has to come from inside.)
        p.put("initial.broker.registration.timeout.ms", String.valueOf(Math.max(1, startupTimeout.toMillis())));

        // Internal topics default to replication 3; a single node can only ever hold one copy, and
        // transactions and consumer groups fail until these topics exist.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "6");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "6");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        // No 3 s wait for more group members: with one app instance it is just startup latency.
        p.put("group.initial.rebalance.delay.ms", "0");

        // Topics come from topology/topics.json only, so a typo in a topic name fails instead of creating a topic.
        p.put("auto.create.topics.enable", "false");

        // The log cleaner's default 128 MiB dedupe buffer is sized for a server, not a process that also embeds.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.put("log.cleaner.threads", "1");
        // Fewer threads than a server's defaults: the broker shares the machine with the application.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("background.threads", "2");
        return p;
    }
}
