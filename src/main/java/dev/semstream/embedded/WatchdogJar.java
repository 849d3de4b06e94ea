package dev.semstream.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A one-class jar holding {@link ParentWatchdog}, beside the registry's own jars. A jar, not a directory: the
 * registry's class archive ({@link ClassArchive}) cannot be dumped with a non-empty directory on the class path.
 * Its bytes are the same on every start (entry times fixed), and it is rewritten only when they differ, because
 * the archive is tied to the jars' size and time.
 */
final class WatchdogJar {
    static final String FILE_NAME = "semstream-parent-watchdog.jar";

    private WatchdogJar() {
    }

    /** The jar in {@code home}, written or refreshed if needed. */
    static Path ensure(Path home) {
        Path jar = home.resolve(FILE_NAME);
        try {
            byte[] bytes = build();
            if (Files.isRegularFile(jar) && Arrays.equals(Files.readAllBytes(jar), bytes)) {
                return jar;
            }
            Path temp = Files.createTempFile(home, FILE_NAME, ".tmp");
            Files.write(temp, bytes);
            Files.move(temp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the registry's watchdog jar " + jar, e);
        }
    }

    private static byte[] build() throws IOException {
        String entryName = ParentWatchdog.class.getName().replace('.', '/') + ".class";
        byte[] classBytes;
        try (InputStream in = ParentWatchdog.class.getResourceAsStream("/" + entryName)) {
            if (in == null) throw new IOException(entryName + " is not on the class path");
            classBytes = in.readAllBytes();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out)) {
            JarEntry manifestEntry = new JarEntry("META-INF/MANIFEST.MF");
            manifestEntry.setTime(0);
            jar.putNextEntry(manifestEntry);
            manifest.write(jar);
            jar.closeEntry();
            JarEntry entry = new JarEntry(entryName);
            entry.setTime(0);
            jar.putNextEntry(entry);
            jar.write(classBytes);
            jar.closeEntry();
        }
        return out.toByteArray();
    }
}
