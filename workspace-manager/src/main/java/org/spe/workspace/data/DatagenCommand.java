package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.spe.core.SpeException;

/**
 * {@code spe datagen --patients N [--seed S] --out DIR}: writes the synthetic lake. Blocking; uses
 * the caller's Spark session when there is one, else starts and stops a local one.
 */
public final class DatagenCommand {
    /** Exit code: the lake was written. */
    public static final int OK = 0;
    /** Exit code: generation failed. */
    public static final int FAILED = 1;
    /** Exit code: the arguments were wrong; nothing was written. */
    public static final int USAGE = 2;

    static final String USAGE_TEXT = "usage: spe datagen --patients N [--seed S] --out DIR";

    private DatagenCommand() {}

    /** Runs the command; never throws for bad arguments or failures, returns the exit code instead. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        requireNonNull(args, "args is null");
        requireNonNull(out, "out is null");
        requireNonNull(err, "err is null");
        Arguments arguments;
        try {
            arguments = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("spe datagen: " + e.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (arguments.help()) {
            out.println(USAGE_TEXT);
            return OK;
        }
        long started = System.nanoTime();
        try (LocalSpark.Lease lease = LocalSpark.acquire("spe-datagen")) {
            LakeSummary summary = SyntheticLake.generate(lease.session(), arguments.patients(), arguments.seed(), arguments.out());
            out.printf("synthetic lake for %d patients (seed %d) in %s%n", summary.patients(), summary.seed(), summary.root());
            summary.rowsPerDataset().forEach((dataset, rows) -> out.printf("  %-16s %,d rows%n", dataset, rows));
            out.printf("done in %.1f s%n", (System.nanoTime() - started) / 1e9);
            return OK;
        } catch (SpeException e) {
            err.println("spe datagen: " + e.getMessage());
            return e.category() == org.spe.core.ErrorCategory.INVALID_INPUT ? USAGE : FAILED;
        } catch (RuntimeException e) {
            err.println("spe datagen: generation failed: " + e);
            return FAILED;
        }
    }

    /** Entry point for a child JVM (used by {@link DatagenBenchmark}); exits with the command's code. */
    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    record Arguments(long patients, long seed, Path out, boolean help) {
        static Arguments parse(List<String> args) {
            Optional<Long> patients = Optional.empty();
            long seed = 1;
            Optional<Path> out = Optional.empty();
            for (int i = 0; i < args.size(); i++) {
                String name = args.get(i);
                if (name.equals("--help") || name.equals("-h")) {
                    return new Arguments(1, 1, Path.of("."), true);
                }
                if (!List.of("--patients", "--seed", "--out").contains(name)) {
                    throw new IllegalArgumentException("unknown argument '" + name + "'");
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                String value = args.get(++i);
                switch (name) {
                    case "--patients" -> patients = Optional.of(parseLong(name, value));
                    case "--seed" -> seed = parseLong(name, value);
                    default -> out = Optional.of(parsePath(value));
                }
            }
            long count = patients.orElseThrow(() -> new IllegalArgumentException("--patients is required"));
            if (count < 1 || count > SyntheticLake.MAX_PATIENTS) {
                throw new IllegalArgumentException("--patients must be between 1 and " + SyntheticLake.MAX_PATIENTS + ", got " + count);
            }
            return new Arguments(count, seed, out.orElseThrow(() -> new IllegalArgumentException("--out is required")), false);
        }

        private static long parseLong(String name, String value) {
            try {
                return Long.parseLong(value.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number, got '" + value + "'");
            }
        }

        private static Path parsePath(String value) {
            if (value.isBlank()) {
                throw new IllegalArgumentException("--out must not be blank");
            }
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                throw new IllegalArgumentException("--out is not a valid path: " + e.getReason());
            }
        }
    }
}
