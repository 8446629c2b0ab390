package org.spe.workspace.tables;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.lpad;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.spe.core.bench.BenchReport;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.offline.SdcBenchmark;
import org.spe.workspace.data.LocalSpark;

/**
 * The SDC benchmark's in-workspace figure beside the offline ones ({@code ./spe bench sdc}): in one
 * JVM, generates a deterministic microdata DataFrame in Spark (four rows per person; sex × 10-year
 * age band × 47 prefectures, skewed, so about 940 interior cells; a log-normal cost with per-person
 * dominance), caches and materialises it (the data are already in memory, as in a notebook), then
 * times {@link SparkTableFunction#make} end to end: per-person sums, evidence, margins and the rule
 * results of every cell. Then runs the offline benchmark on its own CSV of the same shape.
 *
 * <p>Figures: {@code workspaceTenMillionSeconds} (the median of three runs after a warm-up on
 * 100,000 rows of the same shape, {@code workspaceWarmUpSeconds}, which pays for JIT and Spark's code
 * generation; each run in {@code workspaceRunsSeconds}), {@code bareGroupBySeconds} (the same cells'
 * mean and count by a plain Spark group-by over the same cached data, alternating with the table's
 * runs, median of three) and {@code workspaceToBareGroupByRatio}; the same in process CPU seconds
 * ({@code workspaceCpuSeconds}, {@code bareGroupByCpuSeconds}, {@code workspaceToBareGroupByCpuRatio}),
 * steadier than wall time on a shared machine; the load averages before and after,
 * {@code workspaceCells}, {@code workspaceRows}, {@code workspaceCacheSeconds}, and the offline
 * figures of {@link SdcBenchmark#measureOffline}. The figure names keep "TenMillion" whatever
 * {@code rows} is; {@code rows} and {@code workspaceRows} say what was run. Blocking.
 */
public final class WorkspaceSdcBenchmark {
    private static final String[] AGE_BANDS = {
        "0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+"
    };
    private static final int ROWS_PER_PERSON = 4;
    /** Timed runs of the table and of the bare group-by, alternating; the figures are their medians. */
    private static final int TIMED_RUNS = 3;

    private WorkspaceSdcBenchmark() {}

    /** Measures both paths with {@code rows} rows each, writes {@code bench-results/sdc.json} and returns the figures. */
    public static Map<String, Object> run(PrintStream out, long rows) {
        requireNonNull(out, "out is null");
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be positive: " + rows);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        try (LocalSpark.Lease lease = LocalSpark.acquire("spe-bench-sdc")) {
            figures.putAll(measureWorkspace(lease.session(), out, rows));
        }
        figures.putAll(SdcBenchmark.measureOffline(out, rows));
        BenchReport.write("sdc", figures, out);
        return figures;
    }

    /** The in-workspace figures alone, on the given session. */
    public static Map<String, Object> measureWorkspace(SparkSession spark, PrintStream out, long rows) {
        long cacheStart = System.nanoTime();
        Dataset<Row> data = microdata(spark, rows).persist(StorageLevel.MEMORY_ONLY());
        long cached = data.count();
        double cacheSeconds = (System.nanoTime() - cacheStart) / 1e9;
        out.printf("cached %d rows in %.3f s%n", cached, cacheSeconds);
        try {
            TableRequest request = new TableRequest("bench", new TableRequest.DatasetSource(data),
                    List.of("sex", "age_band"), List.of("prefecture"), Optional.of("cost_yen"), Aggregation.MEAN,
                    Optional.of("person_id"), Optional.of("facility"), true, "default");
            double loadBefore = loadAverage();
            // warm-up on a small table of the same shape: JIT and Spark's code generation, not 10M rows twice
            long start = System.nanoTime();
            Dataset<Row> small = microdata(spark, Math.min(rows, 100_000)).persist(StorageLevel.MEMORY_ONLY());
            small.count();
            SparkTableFunction.make(spark, new TableRequest("warm-up", new TableRequest.DatasetSource(small), request.rows(),
                    request.columns(), request.value(), request.aggregation(), request.personId(), request.facility(), true, "default"));
            small.unpersist();
            double first = (System.nanoTime() - start) / 1e9;
            // the same table along the aggregated path, for comparison in the same run (skipped for big runs: it is slower)
            double aggregated = -1;
            if (rows <= 2_000_000) {
                start = System.nanoTime();
                SparkTableFunction.make(spark, request, Optional.empty(), SparkTableFunction.Path.AGGREGATED);
                aggregated = (System.nanoTime() - start) / 1e9;
                out.printf("aggregated path %.3f s%n", aggregated);
            }
            // the baseline in the same run: a bare group-by of the same cells (mean and count, no persons, no evidence);
            // the two alternate so that a change of load on the shared machine falls on both
            bareGroupBy(data);
            double[] table = new double[TIMED_RUNS];
            double[] tableCpu = new double[TIMED_RUNS];
            double[] bare = new double[TIMED_RUNS];
            double[] bareCpu = new double[TIMED_RUNS];
            TableResult result = null;
            long bareCells = 0;
            for (int run = 0; run < TIMED_RUNS; run++) {
                long cpu = processCpuNanos();
                start = System.nanoTime();
                bareCells = bareGroupBy(data);
                bare[run] = (System.nanoTime() - start) / 1e9;
                bareCpu[run] = (processCpuNanos() - cpu) / 1e9;
                cpu = processCpuNanos();
                start = System.nanoTime();
                result = SparkTableFunction.make(spark, request);
                table[run] = (System.nanoTime() - start) / 1e9;
                tableCpu[run] = (processCpuNanos() - cpu) / 1e9;
                out.printf("run %d: table %.3f s (CPU %.3f s), bare group-by %.3f s (CPU %.3f s)%n", run + 1, table[run],
                        tableCpu[run], bare[run], bareCpu[run]);
            }
            double second = median(table);
            double bareSeconds = median(bare);
            double loadAfter = loadAverage();
            out.printf("in-workspace table of %d cells: warm-up %.3f s, timed median %.3f s; bare group-by of %d cells %.3f s "
                    + "(ratio %.1f; CPU ratio %.1f); load average %.1f -> %.1f%n", result.table().cells().size(), first, second,
                    bareCells, bareSeconds, second / bareSeconds, median(tableCpu) / median(bareCpu), loadBefore, loadAfter);
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("workspaceTenMillionSeconds", rounded(second));
            figures.put("workspaceRunsSeconds", Arrays.stream(table).map(WorkspaceSdcBenchmark::rounded).boxed().toList());
            figures.put("workspaceCpuSeconds", rounded(median(tableCpu)));
            figures.put("workspaceWarmUpSeconds", rounded(first));
            if (aggregated >= 0) {
                figures.put("workspaceAggregatedPathSeconds", rounded(aggregated));
            }
            figures.put("bareGroupBySeconds", rounded(bareSeconds));
            figures.put("bareGroupByRunsSeconds", Arrays.stream(bare).map(WorkspaceSdcBenchmark::rounded).boxed().toList());
            figures.put("bareGroupByCpuSeconds", rounded(median(bareCpu)));
            figures.put("workspaceToBareGroupByRatio", rounded(second / bareSeconds));
            figures.put("workspaceToBareGroupByCpuRatio", rounded(median(tableCpu) / median(bareCpu)));
            figures.put("loadAverageBefore", rounded(loadBefore));
            figures.put("loadAverageAfter", rounded(loadAfter));
            figures.put("workspaceCacheSeconds", rounded(cacheSeconds));
            figures.put("workspaceCells", result.table().cells().size());
            figures.put("workspaceRows", result.rows());
            figures.put("workspaceStatus", result.check().status().name());
            figures.put("sparkCores", spark.sparkContext().defaultParallelism());
            return figures;
        } finally {
            data.unpersist();
        }
    }

    /** The same cells' mean and row count by Spark alone: what any table costs, without persons or evidence. */
    private static long bareGroupBy(Dataset<Row> data) {
        return data.groupBy(col("sex"), col("age_band"), col("prefecture"))
                .agg(org.apache.spark.sql.functions.avg(col("cost_yen")), org.apache.spark.sql.functions.count(lit(1)))
                .collectAsList().size();
    }

    /** CPU time of the whole process (driver and Spark's executor threads), steadier than wall time under load. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** The one-minute load average of the machine (the benchmark is compared with a baseline in the same run because of it). */
    static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Deterministic microdata: every draw is a hash of the row or person number. */
    static Dataset<Row> microdata(SparkSession spark, long rows) {
        Column id = col("id");
        Column person = floor(id.divide(ROWS_PER_PERSON));
        Column sexDraw = uniform(person, 1);
        Column ageDraw = uniform(person, 2);
        Column prefectureDraw = uniform(person, 3);
        Column ageIndex = least(lit(AGE_BANDS.length - 1), floor(pow(ageDraw, 2).multiply(AGE_BANDS.length))).cast("int");
        Column prefecture = least(lit(47), lit(1).plus(floor(pow(prefectureDraw, 5).multiply(47)))).cast("int");
        // Box-Muller from two row draws: a log-normal cost, skewed as costs are
        Column normal = sqrt(log(uniform(id, 4)).multiply(-2)).multiply(cos(uniform(id, 5).multiply(2 * Math.PI)));
        Column[] bands = Arrays.stream(AGE_BANDS).map(band -> lit(band)).toArray(Column[]::new);
        return spark.range(rows)
                .select(
                        concat(lit("P"), person.plus(10_000_000L).cast("string")).alias("person_id"),
                        when(sexDraw.lt(0.5), lit("F")).otherwise(lit("M")).alias("sex"),
                        element_at(org.apache.spark.sql.functions.array(bands), ageIndex.plus(1)).alias("age_band"),
                        lpad(prefecture.cast("string"), 2, "0").alias("prefecture"),
                        concat(lit("H"), lit(1).plus(pmod(xxhash64(id, lit(6)), lit(3000))).cast("string")).alias("facility"),
                        round(exp(lit(8).plus(normal))).alias("cost_yen"));
    }

    /** A uniform draw in (0, 1] from a hash of the column and a stream number. */
    private static Column uniform(Column of, int stream) {
        return pmod(xxhash64(of, lit(stream)), lit(1_000_000L)).plus(1).divide(1_000_000.0);
    }

    private static double rounded(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** Entry for a manual run: {@code WorkspaceSdcBenchmark [rows]}. */
    public static void main(String[] args) {
        run(System.out, args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L);
    }
}
