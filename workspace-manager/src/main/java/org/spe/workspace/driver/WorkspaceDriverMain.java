package org.spe.workspace.driver;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import org.spe.workspace.helper.ControlSocketServer;

/**
 * The main class of a workspace's driver JVM: starts the workspace's own Spark application on the
 * compute pool, then answers the platform on a Unix socket ({@link DriverHandler}).
 *
 * <p>Arguments: the driver's directory (mode 0700, made by the platform), which holds
 * {@code spark.properties} (the application's Spark settings, from
 * {@link org.spe.workspace.pool.WorkspaceSparkConfig}); the socket is {@code spe.sock} there and
 * {@code ready} is written once the application is up and the socket listens.
 *
 * <p>The driver lives as long as its parent: it reads its standard input, which is a pipe from the
 * platform, and exits when that closes. So a platform that dies, even by SIGKILL, leaves no driver
 * (and so no Spark application and no executors) behind.
 */
public final class WorkspaceDriverMain {
    /** The file written once the driver answers. */
    public static final String READY_FILE = "ready";
    /** The Spark settings file in the driver's directory. */
    public static final String SETTINGS_FILE = "spark.properties";

    private WorkspaceDriverMain() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: WorkspaceDriverMain <driver directory>");
            System.exit(2);
        }
        Path directory = Path.of(args[0]);
        Properties settings = new Properties();
        try (Reader reader = Files.newBufferedReader(directory.resolve(SETTINGS_FILE), StandardCharsets.UTF_8)) {
            settings.load(reader);
        }
        Thread watchdog = new Thread(() -> exitWhenParentGoes(System.in), "spe-driver-parent-watch");
        watchdog.setDaemon(true);
        watchdog.start();

        SparkSession.Builder builder = SparkSession.builder();
        settings.stringPropertyNames().forEach(name -> builder.config(name, settings.getProperty(name)));
        SparkSession spark = builder.getOrCreate();
        warmUp(spark, directory);
        ControlSocketServer server = ControlSocketServer.start(directory, new DriverHandler(spark), 1L << 30, 8);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            spark.stop();
        }, "spe-driver-shutdown"));
        Files.writeString(directory.resolve(READY_FILE), spark.sparkContext().applicationId(), StandardCharsets.UTF_8);
        System.out.println("READY " + spark.sparkContext().applicationId());
        System.out.flush();
        // Runs until the platform closes standard input (or kills the process).
        new java.util.concurrent.CountDownLatch(1).await();
    }

    /**
     * Runs what every workspace's first query needs once, before the driver is offered: a Parquet
     * file written and read back through SQL on the executors. A fresh JVM loads and compiles Spark
     * SQL's planner, code generator and Parquet reader on first use, which on a busy machine takes
     * tens of seconds; a spare driver pays that while it waits, not while a researcher does.
     */
    private static void warmUp(SparkSession spark, Path directory) {
        String warm = directory.resolve("warm-up").toString();
        spark.range(0, 1000, 1, 2).selectExpr("id", "cast(id % 7 AS string) AS k", "cast(id AS decimal(10,2)) AS amount")
                .write().mode("overwrite").parquet(warm);
        SparkSession session = spark.newSession();
        session.read().parquet(warm).createOrReplaceTempView("warm_up");
        session.sql("SELECT k, count(*), sum(amount) FROM warm_up WHERE id > 3 GROUP BY k ORDER BY k").limit(100).collectAsList();
        session.catalog().dropTempView("warm_up");
    }

    private static void exitWhenParentGoes(InputStream in) {
        try {
            while (in.read() >= 0) {
                // The platform never writes; anything read is ignored.
            }
        } catch (IOException e) {
            // A broken pipe means the same: the platform is gone.
        }
        System.exit(0);
    }
}
