package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.bench.BenchReport;
import org.spe.workspace.sandbox.BubblewrapSandboxFactory;
import org.spe.workspace.sandbox.SandboxSpec;

/**
 * Benchmark of the kernel path without the platform's HTTP server in between: the client talks to
 * jupyter-server in the sandbox directly. The lead combines it with the through-the-server figure.
 */
public final class KernelBenchmark {
    private static final Duration EXECUTE_TIMEOUT = Duration.ofSeconds(60);

    private KernelBenchmark() {}

    /**
     * The figures of one run.
     *
     * @param serverStartSeconds jupyter-server start until {@code /api} answers (0 when an existing server was used)
     * @param kernelStartSeconds kernel start request until its first execution has completed
     * @param executeP50Millis median wall time of a trivial execution ({@code 1+1})
     * @param executeP95Millis 95th percentile of the same
     * @param runs how many executions were timed
     */
    public record Figures(double serverStartSeconds, double kernelStartSeconds, double executeP50Millis,
            double executeP95Millis, int runs) {
        public Figures {
            if (runs <= 0) {
                throw new IllegalArgumentException("runs must be positive: " + runs);
            }
        }

        /** The figures under the names {@code bench-results/kernel-direct.json} uses. */
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("jupyterServerStartSeconds", round(serverStartSeconds));
            map.put("kernelStartSeconds", round(kernelStartSeconds));
            map.put("directExecuteP50Ms", round(executeP50Millis));
            map.put("directExecuteP95Ms", round(executeP95Millis));
            map.put("directExecuteRuns", runs);
            return map;
        }
    }

    /**
     * Starts a kernel through {@code gateway}, times its start and {@code runs} executions of
     * {@code 1+1}, and shuts it down. Blocks for the whole run.
     *
     * @throws SpeException if an execution does not succeed
     */
    public static Figures directExecuteLatency(KernelGateway gateway, int runs) {
        return measure(gateway, runs, 0);
    }

    /**
     * Starts a jupyter-server for {@code spec} in a bubblewrap sandbox, then measures as
     * {@link #directExecuteLatency(KernelGateway, int)} and stops the server. Blocks for the whole run.
     */
    public static Figures directExecuteLatency(SandboxSpec spec, JupyterServerSettings settings, int runs) {
        long start = System.nanoTime();
        try (JupyterServerProcess server = JupyterServerProcess.start(
                new BubblewrapSandboxFactory(settings.runtimeDirectory()), spec, settings)) {
            double serverStart = (System.nanoTime() - start) / 1e9;
            return measure(server.gateway(), runs, serverStart);
        }
    }

    /** Runs the benchmark in a throw-away workspace under a temporary directory and writes {@code kernel-direct}. */
    public static void main(String[] args) throws IOException {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path root = Files.createTempDirectory("spe-kernel-bench-");
        Path workspace = root.resolve("workspace");
        SandboxSpec spec = new SandboxSpec("bench",
                Files.createDirectories(workspace.resolve("home")), Files.createDirectories(workspace.resolve("outputs")),
                Files.createDirectories(workspace.resolve("extract")), List.of(), Map.of(),
                Files.createDirectories(workspace.resolve("control")));
        Figures figures = directExecuteLatency(spec, JupyterServerSettings.defaults(root.resolve("runtime")), runs);
        BenchReport.write("kernel-direct", figures.toMap(), System.out);
    }

    private static Figures measure(KernelGateway gateway, int runs, double serverStartSeconds) {
        requireNonNull(gateway, "gateway is null");
        if (runs <= 0) {
            throw new IllegalArgumentException("runs must be positive: " + runs);
        }
        long kernelStart = System.nanoTime();
        KernelInfo kernel = gateway.startKernel("python3");
        try (KernelSession session = gateway.connect(kernel.id())) {
            check(session.execute("0", EXECUTE_TIMEOUT));
            double kernelStartSeconds = (System.nanoTime() - kernelStart) / 1e9;
            double[] millis = new double[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                check(session.execute("1+1", EXECUTE_TIMEOUT));
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(millis);
            return new Figures(serverStartSeconds, kernelStartSeconds, percentile(millis, 50), percentile(millis, 95), runs);
        } finally {
            gateway.shutdown(kernel.id());
        }
    }

    private static void check(ExecutionResult result) {
        if (result.status() != ExecutionStatus.OK) {
            throw new SpeException(ErrorCategory.INTERNAL, "benchmark execution ended " + result.status());
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
