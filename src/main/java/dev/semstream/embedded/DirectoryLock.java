package dev.semstream.embedded;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data directory, held while a broker, or the parent of a registry child, runs on it.
 *
 * <p>Kafka locks its log directories too, but only once startup is well under way and with a message
 * about "another process or thread"; taking our own lock first turns a second broker on the same
 * directory into an immediate, plain error, whether the first one runs in this JVM or another.
 */
final class DirectoryLock implements AutoCloseable {

    static final String FILE_NAME = ".semstream.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static DirectoryLock acquire(Path dir) throws IOException {
        DirectoryLock lock = tryAcquire(dir);
        if (lock == null) {
            throw new EmbeddedKafkaException("Kafka data directory " + dir
                    + " is in use by another embedded broker; stop it or use another directory.");
        }
        return lock;
    }

    /** The lock, or null when another process (or this JVM) holds it. */
    static DirectoryLock tryAcquire(Path dir) throws IOException {
        FileChannel channel = FileChannel.open(dir.resolve(FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this JVM
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null;
        }
        return new DirectoryLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
