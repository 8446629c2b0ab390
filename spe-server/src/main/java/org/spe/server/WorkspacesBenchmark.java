package org.spe.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.bench.BenchReport;
import org.spe.core.json.Json;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitRequest;
import org.spe.server.api.ApiServer;
import org.spe.server.api.RouteModules;
import org.spe.server.config.ConfigLoader;
import org.spe.server.config.SpeConfig;
import org.spe.workspace.data.LocalSpark;
import org.spe.workspace.driver.BareSparkQueryMain;
import org.spe.workspace.driver.WorkspaceApplications;

/**
 * {@code spe bench workspaces}: workspaces on a real embedded platform (PostgreSQL, a small
 * synthetic lake, the Spark standalone pool, each workspace its own driver JVM and application,
 * Jupyter in bubblewrap), measured through the HTTP API as a researcher sees it.
 *
 * <ul>
 *   <li>{@code readyP50Seconds}, {@code readyP95Seconds}: request until READY, for {@code n}
 *       workspaces one after another whose extract exists (a first, untimed workspace builds it);
 *       each is destroyed after, and the next is requested once a spare driver waits again (up to
 *       three minutes), as when workspaces are asked for minutes apart.
 *   <li>{@code concurrentWorkspaces}, {@code concurrentErrors}: 10 workspaces requested at once, then
 *       each runs a query over its views at the same time; errors counted (a workspace that does not
 *       become READY counts as one).
 *   <li>{@code sqlRatioVsBareSpark}: a 10M-row aggregation through {@code POST /workspaces/{id}/sql}
 *       (median of 5 after 2 warm-up runs) over the same query in a bare Spark session in its own JVM
 *       with the same settings on the same pool, both timed once the replacement spare driver waits;
 *       {@code sqlTrivialEndpointSeconds}, {@code SELECT 1} through the endpoint (median of 5), is the
 *       endpoint's fixed cost.
 * </ul>
 *
 * Writes {@code bench-results/workspaces.json}. Blocks for the whole run (many minutes on a busy machine).
 */
public final class WorkspacesBenchmark {
    /** Workspaces timed to READY by default. */
    public static final int DEFAULT_RUNS = 20;
    /** Workspaces run at once. */
    public static final int CONCURRENT = 10;
    private static final Duration WAIT = Duration.ofMinutes(10);
    private static final String AGGREGATION = "SELECT id % 1000 AS k, count(*) AS n, sum(id) AS total FROM range(10000000) GROUP BY id % 1000";
    private static final ComputeQuota QUOTA = new ComputeQuota(1, 1, 0, 5, 50, 0);

    private WorkspacesBenchmark() {}

    /**
     * Runs the benchmark with {@code runs} workspaces timed to READY, prints the table and writes
     * {@code bench-results/workspaces.json}. Blocks for many minutes.
     *
     * @throws IllegalStateException if a timed workspace does not become READY or a query fails
     */
    public static void run(PrintStream out, int runs) {
        Path data;
        try {
            data = Files.createTempDirectory("spe-bench-workspaces");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // 10 workspaces of 1 core and 1 GiB at once, plus spares: the worker offers 13 cores (more
        // than the machine has: executors mostly wait on a 2-core machine) and 16 GiB.
        SpeConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("dataDir", data.toString(), "server.port", "0",
                "demo.patients", "2000", "compute.workers", "1", "compute.coresPerWorker", "13", "compute.memoryMbPerWorker", "16384",
                "compute.spareDrivers", "1", "compute.driverHeapMb", "512"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Map<String, Object> figures = new LinkedHashMap<>();
        try (Platform platform = Platform.start(config, Clock.systemUTC());
                Workspaces workspaces = new Workspaces(platform).start();
                ApiServer server = new ApiServer(platform, RouteModules.all(workspaces)).start("127.0.0.1", 0)) {
            DemoSeed.Credential alice = DemoSeed.seedAccounts(platform).stream().filter(c -> c.username().equals("alice")).findFirst().orElseThrow();
            DemoSeed.seedLakeAndPermits(platform);
            Permit permit = benchPermit(platform);
            KernelsBenchmark.Client client = KernelsBenchmark.Client.login(http, server.port(), alice);

            // Untimed: builds the extract and warms the spare.
            String first = requestAndAwait(client, permit.id(), "warm-up");
            client.post("/api/v1/workspaces/" + first + "/destroy", null);

            List<Double> ready = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                awaitSpare(workspaces);
                long start = System.nanoTime();
                String id = requestAndAwait(client, permit.id(), "ready-" + i);
                ready.add((System.nanoTime() - start) / 1e9);
                out.printf("workspace %d READY after %.1f s%n", i + 1, ready.get(ready.size() - 1));
                client.post("/api/v1/workspaces/" + id + "/destroy", null);
            }
            figures.put("readyP50Seconds", round(KernelsBenchmark.percentile(ready, 50)));
            figures.put("readyP95Seconds", round(KernelsBenchmark.percentile(ready, 95)));
            figures.put("readyRuns", runs);
            figures.put("readyMinSeconds", round(Collections.min(ready)));
            figures.put("readyMaxSeconds", round(Collections.max(ready)));

            concurrent(client, permit, figures, out);

            awaitSpare(workspaces);
            String id = requestAndAwait(client, permit.id(), "ratio");
            // The workspace took the spare; the next spare starts now. Time nothing while its JVM and
            // executors start on the same two cores.
            awaitSpare(workspaces);
            List<Double> endpoint = timeQuery(client, id, AGGREGATION, 1000);
            // The fixed cost of the endpoint (HTTP, audit, guard, driver hop, JSON) on a query that
            // does no work, to split the ratio's difference.
            List<Double> fixed = timeQuery(client, id, "SELECT 1 AS one", 1);
            List<Double> bare = bare(workspaces.applications().orElseThrow(), data);
            figures.put("sqlTrivialEndpointSeconds", round3(KernelsBenchmark.percentile(fixed, 50)));
            figures.put("sqlEndpointSeconds", round(KernelsBenchmark.percentile(endpoint, 50)));
            figures.put("sqlBareSparkSeconds", round(KernelsBenchmark.percentile(bare, 50)));
            figures.put("sqlRatioVsBareSpark", round(KernelsBenchmark.percentile(endpoint, 50) / KernelsBenchmark.percentile(bare, 50)));
            figures.put("loadAverage", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            BenchReport.write("workspaces", figures, out);
        }
    }

    /** Seconds of 5 runs of {@code query} through the endpoint, after 2 untimed ones; each must answer {@code rows} rows. */
    private static List<Double> timeQuery(KernelsBenchmark.Client client, String workspaceId, String query, int rows) {
        String body = Json.mapper().createObjectNode().put("query", query).toString();
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            long start = System.nanoTime();
            JsonNode answer = client.post("/api/v1/workspaces/" + workspaceId + "/sql", body);
            if (answer.path("rows").size() != rows) {
                throw new IllegalStateException("the query " + query + " failed: " + answer);
            }
            if (i >= 2) {
                seconds.add((System.nanoTime() - start) / 1e9);
            }
        }
        return seconds;
    }

    private static void concurrent(KernelsBenchmark.Client client, Permit permit, Map<String, Object> figures, PrintStream out) {
        ExecutorService threads = Executors.newFixedThreadPool(CONCURRENT);
        int errors = 0;
        List<String> ids = new ArrayList<>();
        try {
            List<Future<String>> started = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                String name = "concurrent-" + i;
                started.add(threads.submit(() -> requestAndAwait(client, permit.id(), name)));
            }
            for (Future<String> future : started) {
                try {
                    ids.add(future.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                } catch (Exception e) {
                    out.println("a concurrent workspace did not become READY: " + e);
                    errors++;
                }
            }
            String query = Json.mapper().createObjectNode().put("query",
                    "SELECT sex, prefecture_code, count(*) AS claims, sum(points) AS points FROM ndb_claims GROUP BY sex, prefecture_code").toString();
            List<Future<JsonNode>> queries = new ArrayList<>();
            for (String id : ids) {
                queries.add(threads.submit(() -> client.post("/api/v1/workspaces/" + id + "/sql", query)));
            }
            for (Future<JsonNode> future : queries) {
                try {
                    JsonNode answer = future.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                    if (!answer.has("rows") || answer.path("rows").isEmpty()) {
                        out.println("a concurrent query failed: " + answer);
                        errors++;
                    }
                } catch (Exception e) {
                    out.println("a concurrent query failed: " + e);
                    errors++;
                }
            }
        } finally {
            threads.shutdownNow();
        }
        figures.put("concurrentWorkspaces", ids.size());
        figures.put("concurrentErrors", errors);
        for (String id : ids) {
            client.post("/api/v1/workspaces/" + id + "/destroy", null);
        }
    }

    /** The same aggregation in a bare Spark session: its own JVM, the workspace's settings, the same pool. */
    private static List<Double> bare(WorkspaceApplications applications, Path data) {
        Path settingsFile = data.resolve("bare-spark.properties");
        Path output = data.resolve("bare-spark.out");
        try {
            Properties properties = new Properties();
            properties.putAll(applications.settings(QUOTA, "spe-bench-bare"));
            try (Writer writer = Files.newBufferedWriter(settingsFile, StandardCharsets.UTF_8)) {
                properties.store(writer, "bare Spark baseline");
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx512m");
            command.add("-XX:+UseSerialGC");
            command.addAll(LocalSpark.ADD_OPENS);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), BareSparkQueryMain.class.getName(),
                    settingsFile.toString(), AGGREGATION, "2", "5"));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            Process process = builder.start();
            if (!process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("the bare Spark baseline failed; see " + output);
            }
            String line = Files.readAllLines(output, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("SECONDS ")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no timing from the bare Spark baseline; see " + output));
            List<Double> seconds = new ArrayList<>();
            for (String value : line.substring("SECONDS ".length()).trim().split(" ")) {
                seconds.add(Double.parseDouble(value));
            }
            return seconds;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A permit like the demo's pseudonymised one (the anonymised one's k-anonymity check refuses a
     * 2,000-patient lake), with a quota of 1 core and 1 GiB.
     */
    private static Permit benchPermit(Platform platform) {
        Caller steward = new Caller("sam", java.util.EnumSet.of(Role.DATA_STEWARD), "bench", "local");
        Permit model = platform.permits.list(steward).stream().filter(p -> p.level() == DataLevel.PSEUDONYMISED && p.researchers().contains("alice"))
                .findFirst().orElseThrow();
        return platform.permits.create(steward, new PermitRequest("Workspace benchmark", model.purpose(), model.category(), model.level(),
                model.pseudonymisationJustification(), model.researchers(), model.datasets(), model.linkages(), model.validFrom(),
                model.validUntil(), QUOTA, model.sdcProfile(), model.kAnonymity()));
    }

    private static void awaitSpare(Workspaces workspaces) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (workspaces.applications().map(WorkspaceApplications::sparesWaiting).orElse(0) == 0 && Instant.now().isBefore(deadline)) {
            sleep(200);
        }
    }

    private static String requestAndAwait(KernelsBenchmark.Client client, String permitId, String name) {
        JsonNode requested = client.post("/api/v1/workspaces", Json.mapper().createObjectNode().put("permitId", permitId).put("name", name).toString());
        String id = requested.path("id").asText("");
        if (id.isEmpty()) {
            throw new IllegalStateException("the workspace request was refused: " + requested);
        }
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            JsonNode workspace = client.get("/api/v1/workspaces/" + id);
            String state = workspace.path("state").asText();
            if (state.equals("READY")) {
                return id;
            }
            if (state.equals("FAILED")) {
                throw new IllegalStateException("workspace " + id + " failed: " + workspace.path("failure").asText());
            }
            sleep(100);
        }
        throw new IllegalStateException("workspace " + id + " was not READY after " + WAIT);
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
