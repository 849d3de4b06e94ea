package dev.semstream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * CPU time per thread group of this JVM between two snapshots: where a run's core-seconds went, which
 * wall time alone cannot say on a machine whose cores the threads share. Threads are grouped by name
 * with digits removed, so the six producer threads of one kind count as one line.
 *
 * <p>On Linux the counts come from {@code /proc/self/task}, which also sees the JVM's own threads (GC,
 * JIT compiler, VM thread) that {@link ThreadMXBean} does not list; those names are cut to 15
 * characters by the kernel. Elsewhere only Java threads are counted.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Path TASKS = Path.of("/proc/self/task");
    /** Clock ticks per second of /proc's utime and stime; 100 on every Linux this runs on. */
    private static final double TICKS = 100.0;
    private final Map<String, Double> start;
    private final long startWall = System.nanoTime();
    private final double startSystemBusy;
    private final double startSystemAll;

    private ThreadCpu(Map<String, Double> start, double[] system) {
        this.start = start;
        this.startSystemBusy = system[0];
        this.startSystemAll = system[1];
    }

    static ThreadCpu start() {
        return new ThreadCpu(sample(), systemTicks());
    }

    /** Prints core-seconds per thread group since {@link #start()}, largest first, as a Markdown table. */
    String report() {
        double wall = (System.nanoTime() - startWall) / 1e9;
        Map<String, Double> end = sample();
        double[] system = systemTicks();
        Map<String, Double> seconds = new TreeMap<>();
        double total = 0;
        for (Map.Entry<String, Double> e : end.entrySet()) {
            double s = e.getValue() - start.getOrDefault(e.getKey(), 0.0);
            seconds.merge(group(e.getKey().substring(e.getKey().indexOf(' ') + 1)), s, Double::sum);
            total += s;
        }
        double machineBusy = system[1] > startSystemAll
                ? (system[0] - startSystemBusy) / (system[1] - startSystemAll) : Double.NaN;
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "CPU of this JVM over %.1f s wall (%.2f cores busy on average; the whole machine %.0f%% busy):%n"
                        + "| thread group | core-seconds | share |%n|---|---:|---:|%n",
                wall, total / wall, 100 * machineBusy));
        double all = total;
        seconds.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .filter(e -> e.getValue() >= 0.005 * all)
                .forEach(e -> out.append(String.format(Locale.ROOT, "| %s | %.2f | %.0f%% |%n",
                        e.getKey(), e.getValue(), 100 * e.getValue() / all)));
        return out.toString();
    }

    /** CPU seconds so far by "threadId name", from /proc when it is there, else from the Java threads alone. */
    private static Map<String, Double> sample() {
        Map<String, Double> cpu = new HashMap<>();
        if (Files.isDirectory(TASKS)) {
            try (Stream<Path> tasks = Files.list(TASKS)) {
                tasks.forEach(task -> {
                    try {
                        String stat = Files.readString(task.resolve("stat"));
                        // pid (comm) state ... utime stime: fields 14 and 15, counted after the ')' since comm may hold spaces.
                        int close = stat.lastIndexOf(')');
                        String name = stat.substring(stat.indexOf('(') + 1, close);
                        String[] f = stat.substring(close + 2).split(" ");
                        cpu.put(task.getFileName() + " " + name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS);
                    } catch (IOException | RuntimeException gone) {
                        // The thread ended between the listing and the read.
                    }
                });
                return cpu;
            } catch (IOException e) {
                cpu.clear();
            }
        }
        for (long id : THREADS.getAllThreadIds()) {
            long nanos = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (nanos >= 0 && info != null) {
                cpu.put(id + " " + info.getThreadName(), nanos / 1e9);
            }
        }
        return cpu;
    }

    /** Busy and total ticks of the whole machine from /proc/stat, or zeros where there is none. */
    private static double[] systemTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            double all = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                all += Double.parseDouble(f[i]);
            }
            double idle = Double.parseDouble(f[4]) + Double.parseDouble(f[5]);
            return new double[] {all - idle, all};
        } catch (IOException | RuntimeException e) {
            return new double[] {0, 0};
        }
    }

    private static String group(String threadName) {
        String name = threadName.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f-]{2,}", "<uuid>").replaceAll("\\d+", "N");
        if (name.startsWith("C") && name.contains("CompilerThre")) {
            return "JIT compiler";
        }
        return name;
    }
}
