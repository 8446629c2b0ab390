package org.spe.core.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the figures of one benchmark run as {@code bench-results/<name>.json}: a flat JSON object
 * of named figures (units in the names, e.g. {@code readyP50Seconds}), the machine
 * ({@code cores}, {@code memoryGb}) and the time of the run; and prints them as a table.
 * The directory is {@code bench-results} under the working directory unless the system property
 * {@code spe.bench.dir} names another.
 */
public final class BenchReport {
    private BenchReport() {}

    /** Writes and prints the report; returns the file written. */
    public static Path write(String name, Map<String, ?> figures, PrintStream out) {
        requireNonNull(name, "name is null");
        requireNonNull(figures, "figures is null");
        Map<String, Object> report = new LinkedHashMap<>(figures);
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("memoryGb", Math.round(totalMemoryBytes() / (1024.0 * 1024 * 1024) * 10) / 10.0);
        report.put("time", Instant.now().toString());
        Path directory = Path.of(System.getProperty("spe.bench.dir", "bench-results"));
        Path file = directory.resolve(name + ".json");
        try {
            Files.createDirectories(directory);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), report);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
        out.printf("%-32s %s%n", "figure", "value");
        report.forEach((key, value) -> out.printf("%-32s %s%n", key, value));
        out.println("written to " + file);
        return file;
    }

    private static long totalMemoryBytes() {
        var bean = ManagementFactory.getOperatingSystemMXBean();
        if (bean instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return Runtime.getRuntime().maxMemory();
    }
}
