package org.spe.workspace.data;

import org.apache.spark.sql.SparkSession;

/**
 * Starts the local Spark session used by the data commands ({@code spe datagen}, the benchmarks)
 * when the caller has none. Not for workspaces: those run on the compute pool.
 */
public final class LocalSpark {
    /**
     * The flags Spark needs on Java 17 (the same list as {@code spe.addOpens} in the parent pom and
     * the launcher script).
     */
    public static final java.util.List<String> ADD_OPENS = java.util.List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
            "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
            "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
            "-Djdk.reflect.useDirectMethodHandle=false",
            "-Dio.netty.tryReflectionSetAccessible=true");

    private LocalSpark() {}

    /**
     * The active or default session if there is one (the caller then owns it), else a new
     * {@code local[*]} session with the UI off; {@link Lease#close()} stops only a session it started.
     */
    public static Lease acquire(String appName) {
        var existing = SparkSession.getActiveSession();
        if (existing.isDefined()) {
            return new Lease(existing.get(), false);
        }
        var fallback = SparkSession.getDefaultSession();
        if (fallback.isDefined()) {
            return new Lease(fallback.get(), false);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        SparkSession session = SparkSession.builder()
                .appName(appName)
                .master("local[*]")
                .config("spark.ui.enabled", "false")
                // Listen on loopback only, whatever the host name resolves to.
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", String.valueOf(Math.max(4, cores * 2)))
                .config("spark.sql.adaptive.enabled", "true")
                .getOrCreate();
        return new Lease(session, true);
    }

    /** A session and whether closing it stops it. */
    public record Lease(SparkSession session, boolean owned) implements AutoCloseable {
        public Lease {
            java.util.Objects.requireNonNull(session, "session is null");
        }

        @Override
        public void close() {
            if (owned) {
                session.stop();
            }
        }
    }
}
