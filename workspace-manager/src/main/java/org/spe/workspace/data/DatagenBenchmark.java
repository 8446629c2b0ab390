package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.spe.core.bench.BenchReport;

/**
 * {@code spe bench datagen}: generates the synthetic lake in a child JVM ({@code -Xmx2g}, the
 * platform's class path and Spark flags), samples the child's peak RSS (VmHWM) and writes
 * {@code bench-results/datagen.json} with {@code patients}, {@code seconds}, {@code peakRssMb}
 * and the rows per dataset. Blocking; the generated lake is deleted afterwards.
 */
public final class DatagenBenchmark {
    /** The size the benchmark runs at unless told otherwise. */
    public static final long DEFAULT_PATIENTS = 1_000_000L;
    private static final Pattern ROWS_LINE = Pattern.compile("^\\s+([a-z_]+)\\s+([0-9,]+) rows$");

    private DatagenBenchmark() {}

    /** Command-line entry: {@code DatagenBenchmark [patients]}. */
    public static void main(String[] args) {
        run(System.out, args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : DEFAULT_PATIENTS);
    }

    /** Runs the benchmark and returns the report file. Throws IllegalStateException when the child fails. */
    public static Path run(PrintStream out, long patients) {
        requireNonNull(out, "out is null");
        Path work;
        try {
            work = Files.createTempDirectory("spe-bench-datagen");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
        try {
            return measure(out, patients, work);
        } finally {
            deleteRecursively(work);
        }
    }

    private static Path measure(PrintStream out, long patients, Path work) {
        Path lake = work.resolve("lake");
        Path log = work.resolve("child.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.addAll(LocalSpark.ADD_OPENS);
        for (String property : List.of("logback.configurationFile", "java.io.tmpdir")) {
            String value = System.getProperty(property);
            if (value != null) {
                command.add("-D" + property + "=" + value);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(DatagenCommand.class.getName());
        command.addAll(List.of("--patients", Long.toString(patients), "--seed", "1", "--out", lake.toString()));
        out.printf("generating a lake of %,d patients in a child JVM (-Xmx2g)...%n", patients);
        long started = System.nanoTime();
        long peakKilobytes = 0;
        int exitCode;
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            while (child.isAlive()) {
                OptionalLong sample = PeakMemory.peakKilobytes(child.pid());
                if (sample.isPresent()) {
                    peakKilobytes = Math.max(peakKilobytes, sample.getAsLong());
                }
                child.waitFor(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            exitCode = child.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the child JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for datagen", e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String childOutput = readQuietly(log);
        if (exitCode != 0) {
            throw new IllegalStateException("datagen child JVM exited with " + exitCode + ":\n" + tail(childOutput));
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("patients", patients);
        figures.put("seconds", Math.round(seconds * 10) / 10.0);
        figures.put("peakRssMb", Math.round(peakKilobytes / 1024.0));
        long total = 0;
        for (String line : childOutput.split("\n")) {
            Matcher matcher = ROWS_LINE.matcher(line);
            if (matcher.matches()) {
                long rows = Long.parseLong(matcher.group(2).replace(",", ""));
                figures.put(camel(matcher.group(1)) + "Rows", rows);
                total += rows;
            }
        }
        figures.put("totalRows", total);
        figures.put("rowsPerSecond", Math.round(total / seconds));
        figures.put("lakeMb", Math.round(sizeOf(lake) / (1024.0 * 1024)));
        return BenchReport.write("datagen", figures, out);
    }

    static String camel(String snake) {
        StringBuilder result = new StringBuilder();
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                result.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return result.toString();
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String tail(String text) {
        return text.length() <= 4_000 ? text : text.substring(text.length() - 4_000);
    }

    private static long sizeOf(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = paths.toList();
            all.forEach(path -> path.toFile().setWritable(true, true)); // read-only extracts: parents first
            for (Path path : all.stream().sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
