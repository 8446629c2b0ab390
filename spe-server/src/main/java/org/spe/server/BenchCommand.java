package org.spe.server;

import java.io.PrintStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code spe bench <name> [size]}: runs one benchmark harness; each writes
 * {@code bench-results/<name>.json} through {@link org.spe.core.bench.BenchReport}.
 */
public final class BenchCommand {
    /** The benchmark names. */
    public static final Set<String> NAMES = new TreeSet<>(Set.of("audit", "datagen", "extract", "kernels", "sdc", "workspaces", "desktop"));

    private BenchCommand() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !NAMES.contains(args.get(0))) {
            err.println("Usage: spe bench <name> [size]; names: " + String.join(", ", NAMES));
            return 2;
        }
        long size;
        try {
            size = args.size() > 1 ? Long.parseLong(args.get(1)) : -1;
        } catch (NumberFormatException e) {
            err.println("The size must be a whole number: " + args.get(1));
            return 2;
        }
        switch (args.get(0)) {
            case "datagen" -> org.spe.workspace.data.DatagenBenchmark.run(out, size > 0 ? size : org.spe.workspace.data.DatagenBenchmark.DEFAULT_PATIENTS);
            case "audit" -> org.spe.audit.AuditBenchmark.run(out);
            case "extract" -> org.spe.workspace.data.ExtractBenchmark.run(out, size > 0 ? size : 10_000_000L);
            case "kernels" -> KernelsBenchmark.run(out, size > 0 ? (int) Math.min(size, 10_000) : KernelsBenchmark.DEFAULT_RUNS);
            case "sdc" -> org.spe.workspace.tables.WorkspaceSdcBenchmark.run(out, size > 0 ? size : 10_000_000L);
            case "workspaces" -> WorkspacesBenchmark.run(out, size > 0 ? (int) Math.min(size, 100) : WorkspacesBenchmark.DEFAULT_RUNS);
            case "desktop" -> org.spe.workspace.desktop.DesktopBenchmark.run(out, size > 0 ? (int) Math.min(size, 1_000) : org.spe.workspace.desktop.DesktopBenchmark.DEFAULT_KEYS);
            default -> throw new IllegalStateException("unreachable: " + args.get(0));
        }
        return 0;
    }
}
