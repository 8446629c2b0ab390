package org.spe.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.spe.core.db.Database;

/**
 * One real PostgreSQL server per test JVM (started on first use, stopped at JVM exit), and a
 * fresh database on it for each caller, so test classes do not see each other's rows.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static Database server;

    private TestDatabases() {}

    /** A new empty database on the shared server, with the owner and application roles. */
    public static synchronized Database fresh() {
        if (server == null) {
            try {
                Path directory = Files.createTempDirectory("spe-test-pg");
                server = Database.embedded(directory);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Database started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
        }
        return server.createSibling("t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet());
    }
}
