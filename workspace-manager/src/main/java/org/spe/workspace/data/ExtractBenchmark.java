package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.spe.core.bench.BenchReport;
import org.spe.core.catalog.ColumnClass;
import org.spe.core.catalog.ColumnSpec;
import org.spe.core.catalog.Dataset;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.FilterOperator;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitState;
import org.spe.core.permit.PurposeCategory;
import org.spe.core.permit.RowFilter;

/**
 * {@code spe bench extract}: generates a lake of {@code patients} persons, then times (a) a plain
 * Spark copy of the permitted columns of {@code ndb_claims} to Parquet and (b) the full
 * PSEUDONYMISED extract of the same columns (row filter, projection, HMAC pseudonyms, opt-out
 * anti-join against 0.1% of persons, manifest and content hash). Each runs three times, the fastest run
 * counts. Writes {@code bench-results/extract.json} with {@code extractRowsPerSecond},
 * {@code plainCopyRowsPerSecond} and {@code ratioVsPlainCopy} (extract time over copy time; goal
 * at most 1.3). Rows per second count the source rows. Blocking; temporary files are deleted.
 */
public final class ExtractBenchmark {
    /** The size the benchmark runs at unless told otherwise. */
    public static final long DEFAULT_PATIENTS = 10_000_000L;

    private static final int ROUNDS = 3;

    private ExtractBenchmark() {}

    /** Command-line entry: {@code ExtractBenchmark [patients]}. */
    public static void main(String[] args) {
        run(System.out, args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : DEFAULT_PATIENTS);
    }

    /** Runs the benchmark and returns the report file. */
    public static Path run(PrintStream out, long patients) {
        requireNonNull(out, "out is null");
        Path work;
        try {
            work = Files.createTempDirectory("spe-bench-extract");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        try (LocalSpark.Lease lease = LocalSpark.acquire("spe-bench-extract")) {
            return measure(lease.session(), out, patients, work);
        } finally {
            DatagenBenchmark.deleteRecursively(work);
        }
    }

    private static Path measure(SparkSession spark, PrintStream out, long patients, Path work) {
        Path lake = work.resolve("lake");
        out.printf("generating a lake of %,d patients...%n", patients);
        long started = System.nanoTime();
        LakeSummary summary = SyntheticLake.generate(spark, patients, 1, lake);
        double generationSeconds = seconds(started);
        long sourceRows = summary.rowsPerDataset().get(SyntheticLake.NDB_CLAIMS);

        Dataset claims = SyntheticLake.catalog().stream().filter(d -> d.id().equals(SyntheticLake.NDB_CLAIMS)).findFirst().orElseThrow();
        List<String> columns = claims.columns().stream()
                .filter(c -> c.classification() != ColumnClass.DIRECT_IDENTIFIER).map(ColumnSpec::name).toList();
        Set<String> optedOut = new HashSet<>(spark.read().parquet(lake.resolve(claims.path()).toString())
                .select("person_id").distinct().limit((int) Math.max(1, patients / 1000)).as(Encoders.STRING()).collectAsList());
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        var builder = new ExtractBuilder(spark, lake, work.resolve("extracts"), SyntheticLake.catalog(), SyntheticLake.linkageRules(),
                new InMemoryPseudonymKeys(master), Clock.systemUTC());

        double plainSeconds = Double.MAX_VALUE;
        double extractSeconds = Double.MAX_VALUE;
        ExtractResult result = null;
        for (int round = 1; round <= ROUNDS; round++) {
            long copyStarted = System.nanoTime();
            spark.read().parquet(lake.resolve(claims.path()).toString()).select(columns.stream().map(org.apache.spark.sql.functions::col)
                    .toArray(org.apache.spark.sql.Column[]::new)).write().parquet(work.resolve("copy-" + round).toString());
            plainSeconds = Math.min(plainSeconds, seconds(copyStarted));
            long extractStarted = System.nanoTime();
            result = builder.build(permit(round, columns), optedOut);
            extractSeconds = Math.min(extractSeconds, seconds(extractStarted));
            out.printf("round %d: plain copy %.1f s, extract %.1f s%n", round, seconds(copyStarted) - seconds(extractStarted), seconds(extractStarted));
        }
        ExtractedDataset extracted = result.dataset(SyntheticLake.NDB_CLAIMS).orElseThrow();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("patients", patients);
        figures.put("lakeGenerationSeconds", round(generationSeconds));
        figures.put("sourceRows", sourceRows);
        figures.put("extractRows", extracted.rows());
        figures.put("optedOutPersonsExcluded", result.optedOutPersonsExcluded());
        figures.put("plainCopySeconds", round(plainSeconds));
        figures.put("extractSeconds", round(extractSeconds));
        figures.put("plainCopyRowsPerSecond", Math.round(sourceRows / plainSeconds));
        figures.put("extractRowsPerSecond", Math.round(sourceRows / extractSeconds));
        figures.put("ratioVsPlainCopy", Math.round(extractSeconds / plainSeconds * 100) / 100.0);
        return BenchReport.write("extract", figures, out);
    }

    private static Permit permit(int version, List<String> columns) {
        var filter = new RowFilter("service_month", FilterOperator.BETWEEN, List.of("2021-04-01", "2024-03-01"));
        return new Permit("bench-extract", version, "Extract benchmark", "Throughput of the extract builder", PurposeCategory.A_PUBLIC_HEALTH,
                DataLevel.PSEUDONYMISED, java.util.Optional.of("benchmark"), List.of("bench"),
                List.of(new PermitDataset(SyntheticLake.NDB_CLAIMS, columns, List.of(filter))), List.of(),
                java.time.LocalDate.of(2026, 1, 1), java.time.LocalDate.of(2027, 12, 31), new ComputeQuota(2, 8, 0, 10, 10, 0),
                "ndb-default", 1, PermitState.ACTIVE, java.time.Instant.parse("2026-01-01T00:00:00Z"), "bench");
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
