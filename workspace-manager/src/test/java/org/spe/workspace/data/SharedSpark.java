package org.spe.workspace.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The one Spark session of a test JVM: local[2], four shuffle partitions, UI off, started on first
 * use and stopped when the JVM exits. Also the one small synthetic lake that tests read (never
 * modify it; copy what you need to corrupt).
 */
public final class SharedSpark {
    /** Patients in the shared test lake. */
    public static final long LAKE_PATIENTS = 3_000;
    /** Seed of the shared test lake. */
    public static final long LAKE_SEED = 42;

    private static SparkSession session;
    private static Path lake;

    private SharedSpark() {}

    /** The shared session. Thread-safe. */
    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .appName("spe-workspace-manager-tests")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    // Listen on loopback only, whatever the host name resolves to.
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.default.parallelism", "2")
                    .config("spark.sql.adaptive.enabled", "true")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.sql.warehouse.dir", tempDirectory("spe-spark-warehouse").toString())
                    .getOrCreate();
            SparkSession stopped = session;
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::stop));
        }
        return session;
    }

    /** The shared synthetic lake ({@link #LAKE_PATIENTS} patients, seed {@link #LAKE_SEED}), generated on first use. */
    public static synchronized Path lake() {
        if (lake == null) {
            Path root = tempDirectory("spe-test-lake").resolve("lake");
            SyntheticLake.generate(session(), LAKE_PATIENTS, LAKE_SEED, root);
            lake = root;
        }
        return lake;
    }

    /** A new temporary directory, deleted when the JVM exits. */
    public static Path tempDirectory(String prefix) {
        try {
            Path directory = Files.createTempDirectory(prefix);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> DatagenBenchmark.deleteRecursively(directory)));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
