package dev.semstream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time per thread group of this JVM between two snapshots: where a run's core-seconds went, which
 * wall time alone cannot say on a machine whose cores the threads share. Threads are grouped by name
 * with digits removed, so the six producer threads of one kind count as one line.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> startNanos = new HashMap<>();
    private final long startWall = System.nanoTime();

    private ThreadCpu() {
    }

    static ThreadCpu start() {
        ThreadCpu snapshot = new ThreadCpu();
        for (long id : THREADS.getAllThreadIds()) {
            snapshot.startNanos.put(id, Math.max(0, THREADS.getThreadCpuTime(id)));
        }
        return snapshot;
    }

    /** Prints core-seconds per thread group since {@link #start()}, largest first, as a Markdown table. */
    String report() {
        double wall = (System.nanoTime() - startWall) / 1e9;
        Map<String, Double> seconds = new TreeMap<>();
        double total = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long now = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            double s = (now - startNanos.getOrDefault(id, 0L)) / 1e9;
            seconds.merge(group(info.getThreadName()), s, Double::sum);
            total += s;
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "CPU of this JVM over %.1f s wall (%.2f cores busy on average):%n| thread group | core-seconds | share |%n|---|---:|---:|%n",
                wall, total / wall));
        double all = total;
        seconds.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .filter(e -> e.getValue() >= 0.005 * all)
                .forEach(e -> out.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f%% |%n",
                        e.getKey(), e.getValue(), 100 * e.getValue() / all)));
        return out.toString();
    }

    private static String group(String threadName) {
        String name = threadName.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f-]{22,}", "<uuid>").replaceAll("\\d+", "N");
        if (name.startsWith("C") && name.contains("CompilerThread")) {
            return "JIT compiler";
        }
        return name;
    }
}
