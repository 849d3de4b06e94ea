package dev.semstream.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.jar.JarFile;

/**
 * The registry child's main class: stops the child when its parent is gone, then runs Apicurio's own main.
 *
 * <p>The parent holds the write end of the child's stdin and never writes to it. When the parent dies, however it
 * dies (SIGKILL included: no shutdown hook runs), the kernel closes that end and a read here returns end of file.
 * Without this a killed {@code run} left Apicurio running under pid 1, holding the H2 file the next run needs.
 *
 * <p>This class is copied alone into the child's class path (Apicurio's jars must not meet ours), so it uses
 * nothing but the JDK and has no nested classes.
 */
public final class ParentWatchdog {
    /** How long a clean Quarkus shutdown may take after the parent is gone before the child halts. */
    private static final long HALT_AFTER_MILLIS = 10_000;

    private ParentWatchdog() {
    }

    /** {@code args[0]}: the runner jar whose manifest names the real main class; the rest are its arguments. */
    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(ParentWatchdog::stopWhenStdinCloses, "semstream-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        String mainClass;
        try (JarFile jar = new JarFile(Path.of(args[0]).toFile())) {
            mainClass = jar.getManifest().getMainAttributes().getValue("Main-Class");
        }
        Method main = Class.forName(mainClass).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }

    private static boolean dumpsClassArchiveAtExit() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit"));
    }

    /** SIGKILL to this process (the JDK refuses to destroy the current process); returns if that failed. */
    private static void killSelf() {
        try {
            new ProcessBuilder("kill", "-KILL", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            System.out.println("semstream parent-watchdog: cannot kill this process (" + e + "); exiting instead");
        }
    }

    private static void stopWhenStdinCloses() {
        InputStream in = System.in;
        byte[] ignored = new byte[64];
        try {
            while (in.read(ignored) >= 0) {
                // The parent never writes; anything read is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end of file: the parent is gone.
        }
        if (dumpsClassArchiveAtExit()) {
            // An exit would first write the class archive, which takes half a minute on a busy machine while the
            // H2 file stays locked; and a dump without a clean stop by the parent is dropped anyway. H2 commits
            // every write, so a kill loses nothing.
            System.out.println("semstream parent-watchdog: the parent process is gone (stdin closed); killing the registry");
            System.out.flush();
            killSelf();
        }
        System.out.println("semstream parent-watchdog: the parent process is gone (stdin closed); stopping the registry");
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(3);
        }, "semstream-parent-watchdog-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(3);
    }
}
