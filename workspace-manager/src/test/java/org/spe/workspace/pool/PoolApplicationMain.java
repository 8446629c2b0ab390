package org.spe.workspace.pool;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.spe.core.permit.ComputeQuota;

/**
 * A workspace's Spark application in miniature, run as its own JVM by {@link SparkStandalonePoolIT}
 * (one JVM holds one SparkContext, and the test JVM may hold a local one). Arguments: master URL,
 * application name, cores, memory in GB, and {@code quick} or {@code slow}. Prints
 * {@code SESSION} once its session is up and {@code RESULT groups=G rows=R min=A max=B} at the end.
 *
 * <p>{@code slow} first waits until all its executors (one per core) have registered, then sleeps
 * 80 ms per row in 40 tasks of 5 rows (Thread.sleep through Spark SQL's {@code reflect}, so
 * executors need no test classes): about 16 s of task time, long enough to scale the pool down
 * under it.
 */
public final class PoolApplicationMain {
    private PoolApplicationMain() {}

    public static void main(String[] args) throws InterruptedException {
        String masterUrl = args[0];
        String appName = args[1];
        ComputeQuota quota = new ComputeQuota(Integer.parseInt(args[2]), Integer.parseInt(args[3]), 0, 1, 1, 0);
        boolean slow = "slow".equals(args[4]);
        SparkSession.Builder builder = SparkSession.builder();
        WorkspaceSparkConfig.forQuota(quota, masterUrl, appName).forEach(builder::config);
        // Test-only: executors of tiny jobs start faster with the client compiler on a 2-core machine.
        builder.config("spark.executor.extraJavaOptions",
                WorkspaceSparkConfig.forQuota(quota, masterUrl, appName).get("spark.executor.extraJavaOptions")
                        + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        builder.config("spark.sql.shuffle.partitions", "4").config("spark.sql.adaptive.enabled", "false");
        SparkSession spark = builder.getOrCreate();
        try {
            if (slow) {
                // Wait until every executor has registered with this driver: an executor that is
                // still starting when its worker is decommissioned is not told (Spark tells the
                // registered ones), so the test scales down only once all are in.
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(2);
                while (spark.sparkContext().statusTracker().getExecutorInfos().length < 1 + quota.cores()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
            }
            System.out.println("EXECUTORS " + (spark.sparkContext().statusTracker().getExecutorInfos().length - 1));
            System.out.println("SESSION");
            System.out.flush();
            var rows = slow
                    ? spark.range(0, 200, 1, 40).where("reflect('java.lang.Thread', 'sleep', cast(80 as bigint)) is not null")
                    : spark.range(0, 1_000_000, 1, 4).toDF();
            List<Row> groups = rows.groupBy(col("id").mod(10).as("k")).count().collectAsList();
            long total = groups.stream().mapToLong(row -> row.getLong(1)).sum();
            long min = groups.stream().mapToLong(row -> row.getLong(1)).min().orElse(-1);
            long max = groups.stream().mapToLong(row -> row.getLong(1)).max().orElse(-1);
            System.out.println("RESULT groups=" + groups.size() + " rows=" + total + " min=" + min + " max=" + max);
        } finally {
            spark.stop();
        }
    }
}
