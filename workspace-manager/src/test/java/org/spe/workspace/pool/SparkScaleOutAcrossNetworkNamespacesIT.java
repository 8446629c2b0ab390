package org.spe.workspace.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.workspace.data.LocalSpark;

/**
 * Scale-out across hosts, with the hosts made on this machine: two Linux network namespaces
 * ({@link NetworkNamespaceHosts}), each with its own address on a bridge, run one Spark worker
 * each. They join the platform's master ({@link SparkStandalonePool} bound to the bridge address,
 * as {@code compute.bindAddress} does), a workspace's Spark application (driver in this namespace,
 * one executor on each host) runs a query across both, and one host is then removed mid-query —
 * every process in it killed and its namespace deleted, as a machine that dies — and the query
 * still completes on the remaining host. The namespaces are deleted even when the test fails.
 * Needs root and iproute2 (CI runs as root; {@code .ci/run} installs iproute2).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkScaleOutAcrossNetworkNamespacesIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private Path runtime;
    private NetworkNamespaceHosts hosts;
    private SparkStandalonePool pool;
    private final List<Process> workers = new ArrayList<>();

    @BeforeAll
    void start() throws IOException {
        Files.createDirectories(Path.of("target"));
        runtime = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "scale-out-it-");
        hosts = NetworkNamespaceHosts.create(2);
        // The platform's master, with no local workers, listening where the other hosts reach it.
        pool = SparkStandalonePool.start(PoolSettings.of(runtime.resolve("pool"), 0, 1, 1024).withHost(hosts.bridgeAddress()));
        Path sparkHome = runtime.resolve("pool").resolve("spark-home");
        for (int host = 1; host <= 2; host++) {
            workers.add(hosts.start(host, workerCommand(host), Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13",
                    "SPARK_LOCAL_IP", hosts.address(host), "JAVA_HOME", System.getProperty("java.home")), runtime.resolve("worker-host-" + host + ".log")));
        }
    }

    @AfterAll
    void stop() {
        // Namespaces first (their processes die with them), then the master; each step runs even if an earlier one failed.
        try {
            if (hosts != null) {
                hosts.close();
            }
        } finally {
            workers.forEach(Process::destroyForcibly);
            if (pool != null) {
                pool.close();
            }
        }
    }

    private List<String> workerCommand(int host) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        command.addAll(LocalSpark.ADD_OPENS);
        command.add("-Dlogback.configurationFile=" + runtime.resolve("pool").resolve("spark-home").resolve("conf").resolve("logback.xml"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "org.apache.spark.deploy.worker.Worker",
                "--host", hosts.address(host), "--port", "7078", "--webui-port", "8081", "--cores", "1", "--memory", "1024m",
                "--work-dir", runtime.resolve("work-host-" + host).toString(), pool.masterUrl()));
        return command;
    }

    @Test
    void aQueryRunsOnWorkersOnTwoHostsAndCompletesWhenOneHostIsRemovedMidQuery() throws Exception {
        awaitTrue(() -> pool.status().aliveWorkers().stream().map(WorkerStatus::host).toList()
                .containsAll(List.of(hosts.address(1), hosts.address(2))), "the workers of both hosts to register", Path.of("/dev/null"));
        assertThat(pool.masterUrl()).startsWith("spark://" + hosts.bridgeAddress() + ":");
        assertThat(pool.status().aliveWorkers()).hasSize(2).allSatisfy(worker -> assertThat(worker.host()).isNotEqualTo("127.0.0.1"));

        Path output = runtime.resolve("application.out");
        Process application = startApplication(output);
        try {
            // One executor on each host: both workers hold one core of the application.
            awaitTrue(() -> pool.status().aliveWorkers().stream().filter(worker -> worker.coresUsed() == 1).count() == 2
                    || !application.isAlive(), "an executor on each host", output);
            awaitTrue(() -> lines(output).contains("SESSION") || !application.isAlive(), "the application's session", output);
            assertThat(application.isAlive()).as(tail(output)).isTrue();
            assertThat(lines(output)).as(tail(output)).contains("EXECUTORS 2");
            // The query is under way on both hosts: each has started a task.
            awaitTrue(() -> startedTaskOn(output, hosts.address(1)) && startedTaskOn(output, hosts.address(2)) || !application.isAlive(),
                    "tasks on both hosts", output);

            List<String> beforeRemoval = lines(output);
            hosts.remove(2);
            assertThat(workers.get(1).waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(application.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(tail(output)).isTrue();
            assertThat(application.exitValue()).as(tail(output)).isZero();
            assertThat(lines(output)).as(tail(output))
                    .contains("RESULT groups=10 rows=200 min=20 max=20")
                    .anyMatch(line -> line.contains("Lost executor") && line.contains(hosts.address(2)));
            // The task that was running on the removed host ran again, as a second attempt, on the remaining one.
            String lostTask = beforeRemoval.stream().filter(line -> line.contains("Starting task") && line.contains("(" + hosts.address(2) + ",executor"))
                    .map(line -> line.replaceAll(".*Starting task (\\d+)\\.0 in stage (\\d+\\.\\d+) .*", "$1 in stage $2"))
                    .reduce((first, second) -> second).orElseThrow();
            String retry = lostTask.replace(" in stage", ".1 in stage");
            assertThat(lines(output)).as(tail(output)).anyMatch(line -> line.contains("Starting task " + retry) && line.contains("(" + hosts.address(1) + ",executor"))
                    .anyMatch(line -> line.contains("Finished task " + retry) && line.contains("on " + hosts.address(1)));
        } finally {
            application.destroyForcibly();
        }
        awaitTrue(() -> pool.status().aliveWorkers().stream().map(WorkerStatus::host).toList().equals(List.of(hosts.address(1))),
                "the master to drop the removed host's worker", Path.of("/dev/null"));
    }

    /** A workspace's application in its own JVM (PoolApplicationMain), driver bound to the bridge address. */
    private Process startApplication(Path output) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        command.addAll(LocalSpark.ADD_OPENS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PoolApplicationMain.class.getName(),
                pool.masterUrl(), "workspace-scale-out", "2", "1", "slow"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("SPARK_LOCAL_IP", hosts.bridgeAddress());
        return builder.start();
    }

    /** Whether the driver has logged a task started on an executor at {@code address}. */
    private static boolean startedTaskOn(Path output, String address) {
        return lines(output).stream().anyMatch(line -> line.contains("Starting task") && line.contains("(" + address + ",executor"));
    }

    private static void awaitTrue(BooleanSupplier condition, String what, Path output) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what + "\n" + tail(output)).isLessThan(deadline);
            Thread.sleep(250);
        }
    }

    private static List<String> lines(Path output) {
        try {
            return Files.exists(output) ? Files.readAllLines(output, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String tail(Path output) {
        List<String> lines = lines(output);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
