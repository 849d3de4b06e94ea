package dev.semstream.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.semstream.kernels.Kernels;
import dev.semstream.kernels.Parallel;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts a benchmark figure needs beside it: which CPU (model and SIMD flags, from /proc/cpuinfo), how
 * many cores and how much memory, which kernels and SIMD width our code ran, the JIT's AVX level, the JDK,
 * the threads, and when. Every benchmark writes these into its JSON, so a figure can always be traced to
 * the machine class and the ISA it was measured on.
 */
public record Machine(String cpu, List<String> simdFlags, int cores, long memoryBytes, String kernels,
                      int simdBits, String jitUseAvx, String jdk, int threads, Instant date) {
    /** The SIMD extensions that decide which kernels run: AVX2 and FMA, and every AVX-512 subset. */
    private static final Pattern SIMD_FLAG = Pattern.compile("\\b(avx2|fma|avx512\\w*|avx_vnni)\\b");

    public static Machine current() {
        String cpuinfo = read("/proc/cpuinfo");
        String kernels = Kernels.best().name();
        Matcher bits = Pattern.compile("(\\d+)$").matcher(kernels);
        return new Machine(field(cpuinfo, "model name"), simdFlags(field(cpuinfo, "flags")),
                Runtime.getRuntime().availableProcessors(), memTotal(), kernels,
                bits.find() ? Integer.parseInt(bits.group(1)) : 0, vmOption("UseAVX"),
                System.getProperty("java.vm.name") + " " + Runtime.version(), Parallel.threads(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    /** One line for a benchmark's console header. */
    public String summary() {
        return String.format(Locale.ROOT, "%s (%s), %d cores, %.0f GiB; kernels %s, JIT UseAVX=%s; %s; %d threads; %s",
                cpu, String.join(" ", simdFlags), cores, memoryBytes / (double) (1L << 30), kernels, jitUseAvx, jdk,
                threads, date);
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("cpu", cpu);
        simdFlags.forEach(node.putArray("simdFlags")::add);
        node.put("cores", cores).put("memoryBytes", memoryBytes).put("kernels", kernels).put("simdBits", simdBits)
                .put("jitUseAvx", jitUseAvx).put("jdk", jdk).put("threads", threads).put("date", date.toString());
        return node;
    }

    static List<String> simdFlags(String flags) {
        TreeSet<String> found = new TreeSet<>();
        Matcher m = SIMD_FLAG.matcher(flags);
        while (m.find()) {
            found.add(m.group(1));
        }
        return List.copyOf(found);
    }

    /** The first value of a "name : value" line of /proc/cpuinfo, or "unknown". */
    private static String field(String cpuinfo, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\s*:\\s*(.*)$").matcher(cpuinfo);
        return m.find() ? m.group(1).strip() : "unknown";
    }

    private static long memTotal() {
        Matcher m = Pattern.compile("(?m)^MemTotal:\\s*(\\d+) kB").matcher(read("/proc/meminfo"));
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : Runtime.getRuntime().maxMemory();
    }

    private static String vmOption(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException notHotSpotOrNotX86) {
            return "n/a";
        }
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(file));
        } catch (IOException | RuntimeException notLinux) {
            return "";
        }
    }
}
