package org.spe.output.sdc.offline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.spe.core.bench.BenchReport;

/**
 * The offline SDC benchmark: generates a deterministic microdata CSV (persons with one to seven
 * rows each; sex × 10-year age band × 47 prefectures, so 940 interior cells of a 2-D mean table),
 * then times the CSV read alone and the full offline check of the table (with margins and
 * mitigation). Figures: {@code offlineTenMillionSeconds}, {@code offlineCsvReadSeconds},
 * {@code cells}, {@code rows}, {@code persons}, {@code csvMegabytes}. Blocking; writes and deletes
 * a temporary directory.
 */
public final class SdcBenchmark {
    private static final int PREFECTURES = 47;
    private static final String[] AGE_BANDS = {
        "0-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89", "90+"
    };

    private SdcBenchmark() {}

    /** Runs {@link #measureOffline} and writes the figures as {@code bench-results/sdc.json}; returns them. */
    public static Map<String, Object> runOffline(PrintStream out, long rows) {
        Map<String, Object> figures = measureOffline(out, rows);
        BenchReport.write("sdc", figures, out);
        return figures;
    }

    /**
     * Generates the CSV, measures, deletes it and returns the figures without writing them, so a
     * caller can merge them with others (e.g. the in-workspace figure) before
     * {@link BenchReport#write}.
     */
    public static Map<String, Object> measureOffline(PrintStream out, long rows) {
        requireNonNull(out, "out is null");
        if (rows < 1) {
            throw new IllegalArgumentException("rows must be positive: " + rows);
        }
        try {
            Path csv = cachedCsv(out, rows, 20261123L);
            long persons = personsOf(csv);
            Path spec = csv.resolveSibling(csv.getFileName() + ".spec.json");
            Files.writeString(spec, """
                    {"csv": "%s", "rows": ["sex", "age_band"], "columns": ["prefecture"],
                     "value": "cost_yen", "aggregation": "mean", "personId": "person_id",
                     "facility": "facility", "margins": true, "profile": "default", "suppress": true}
                    """.formatted(csv.getFileName()));

            long readCpuStart = processCpuNanos();
            long readStart = System.nanoTime();
            long[] characters = {0};
            new CsvRows(csv).read(header -> { }, (fields, line) -> {
                for (String field : fields) {
                    characters[0] += field.length();
                }
            });
            double readSeconds = (System.nanoTime() - readStart) / 1e9;
            double readCpuSeconds = (processCpuNanos() - readCpuStart) / 1e9;

            long checkCpuStart = processCpuNanos();
            long checkStart = System.nanoTime();
            SdcSpec parsed = SdcSpec.read(spec);
            SdcOfflineChecker.Result result = SdcOfflineChecker.check(parsed);
            new ObjectMapper().writeValue(OutputStream.nullOutputStream(),
                    SdcReport.toJson(result.check(), parsed.aggregation(), result.released()));
            double checkSeconds = (System.nanoTime() - checkStart) / 1e9;
            double checkCpuSeconds = (processCpuNanos() - checkCpuStart) / 1e9;

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("offlineTenMillionSeconds", round(checkSeconds));
            figures.put("offlineCsvReadSeconds", round(readSeconds));
            // CPU seconds of the process (reading thread, checking thread, GC): on a shared machine wall time varies with load
            figures.put("offlineTenMillionCpuSeconds", round(checkCpuSeconds));
            figures.put("offlineCsvReadCpuSeconds", round(readCpuSeconds));
            figures.put("cells", result.check().cells().size());
            figures.put("rows", rows);
            figures.put("persons", persons);
            figures.put("csvMegabytes", round(Files.size(csv) / (1024.0 * 1024)));
            figures.put("status", result.status().name());
            return figures;
        } catch (IOException e) {
            throw new UncheckedIOException("benchmark I/O failed", e);
        }
    }

    /**
     * The generated CSV of {@code rows} rows, kept under {@code spe.bench.cache} (default
     * {@code spe-data/bench-cache}) so later runs skip generating it; written under a temporary
     * name and renamed, with the person count in a {@code .persons} file beside it.
     */
    static Path cachedCsv(PrintStream out, long rows, long seed) throws IOException {
        Path cache = Path.of(System.getProperty("spe.bench.cache", "spe-data/bench-cache")).toAbsolutePath();
        Files.createDirectories(cache);
        Path csv = cache.resolve("sdc-microdata-" + rows + "-" + seed + ".csv");
        Path persons = cache.resolve(csv.getFileName() + ".persons");
        if (!Files.isRegularFile(csv) || !Files.isRegularFile(persons)) {
            Path partial = cache.resolve(csv.getFileName() + ".partial");
            long started = System.nanoTime();
            long count = generate(partial, rows, seed);
            Files.writeString(persons, Long.toString(count));
            Files.move(partial, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            out.printf("generated %d rows of %d persons in %s (%.1f s)%n", rows, count, csv, (System.nanoTime() - started) / 1e9);
        } else {
            out.printf("reusing %s%n", csv);
        }
        return csv;
    }

    private static long personsOf(Path csv) throws IOException {
        return Long.parseLong(Files.readString(csv.resolveSibling(csv.getFileName() + ".persons")).trim());
    }

    /** Entry for a manual run: {@code SdcBenchmark [rows]}. */
    public static void main(String[] args) {
        runOffline(System.out, args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L);
    }

    /** Writes the CSV; returns the number of persons. Deterministic for a seed. */
    static long generate(Path csv, long rows, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        long persons = 0;
        try (Writer writer = new BufferedWriter(Files.newBufferedWriter(csv, StandardCharsets.UTF_8), 1 << 20)) {
            writer.write("person_id,sex,age_band,prefecture,facility,cost_yen\n");
            long written = 0;
            StringBuilder line = new StringBuilder(64);
            while (written < rows) {
                persons++;
                String sex = random.nextBoolean() ? "F" : "M";
                // skewed on purpose, so the table has small, empty and dominated cells
                String age = AGE_BANDS[Math.min(AGE_BANDS.length - 1, (int) Math.abs(random.nextGaussian() * 2.2))];
                double u = random.nextDouble();
                int prefecture = 1 + (int) (PREFECTURES * u * u * u * u * u);
                int rowsOfPerson = 1 + random.nextInt(7);
                for (int r = 0; r < rowsOfPerson && written < rows; r++, written++) {
                    int facility = 1 + random.nextInt(3000);
                    long cost = Math.round(Math.exp(8 + random.nextGaussian()));
                    line.setLength(0);
                    line.append('P').append(persons + 10_000_000L).append(',')
                            .append(sex).append(',').append(age).append(',')
                            .append(prefecture < 10 ? "0" : "").append(prefecture).append(',')
                            .append('H').append(facility).append(',')
                            .append(cost).append('\n');
                    writer.append(line);
                }
            }
        }
        return persons;
    }

    /** CPU time of the whole process: the CSV is read on a thread of its own ({@link CsvRows}). */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
