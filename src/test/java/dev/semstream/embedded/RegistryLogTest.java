package dev.semstream.embedded;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A registry that dies at start is reported by the cause at the bottom of its trace, not the trace's top. */
class RegistryLogTest {

    @TempDir
    Path dir;

    @Test
    void theCauseOfAnH2LockFailureComesFirstWithWhatToDo() throws IOException {
        Path log = dir.resolve("registry-8081.log");
        Files.writeString(log, """
                2026-12-01 12:00:00 ERROR <> [io.quarkus.runtime.Application] (main) Failed to start application
                java.lang.RuntimeException: io.quarkus.runtime.StartupException: Unable to start datasource
                \tat io.quarkus.runtime.Application.start(Application.java:123)
                Caused by: org.h2.jdbc.JdbcSQLNonTransientConnectionException: Database may be already in use
                \tat org.h2.message.DbException.getJdbcSQLException(DbException.java:690)
                Caused by: java.lang.IllegalStateException: The file is locked: /data/registry/db/registry.mv.db [2.2.224/7]
                \tat org.h2.mvstore.DataUtils.newIllegalStateException(DataUtils.java:996)
                """);
        assertEquals("java.lang.IllegalStateException: The file is locked: /data/registry/db/registry.mv.db [2.2.224/7]"
                + " (another process holds the registry's H2 database; stop it or use another data dir)",
                RegistryLog.cause(log));
    }

    @Test
    void withoutATraceTheLastErrorLineIsTheCause() throws IOException {
        Path log = dir.resolve("registry-8081.log");
        Files.writeString(log, """
                2026-12-01 12:00:00 INFO <> [io.quarkus] (main) starting
                2026-12-01 12:00:01 ERROR <> [io.quarkus.runtime.ApplicationLifecycleManager] (main) Port 8081 seems to be in use by another process.
                """);
        assertEquals("2026-12-01 12:00:01 ERROR <> [io.quarkus.runtime.ApplicationLifecycleManager] (main) Port 8081 seems "
                + "to be in use by another process.", RegistryLog.cause(log));
    }
}
