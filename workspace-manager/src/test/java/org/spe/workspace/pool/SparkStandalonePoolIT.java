package org.spe.workspace.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.spe.workspace.data.LocalSpark;

/**
 * The embedded pool with real processes: a master and workers of 1 core and 1 GiB, applications
 * in their own JVMs with executors of 512 MiB. The steps share one pool and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkStandalonePoolIT {
    private static final Duration APPLICATION_TIMEOUT = Duration.ofMinutes(3);

    private Path runtime;
    private SparkStandalonePool pool;

    @BeforeAll
    void startPool() throws IOException {
        // Under target/, kept after the run: the pool's and the applications' logs are the evidence when a step fails.
        Files.createDirectories(Path.of("target"));
        runtime = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "pool-it-");
        long started = System.nanoTime();
        pool = SparkStandalonePool.start(PoolSettings.of(runtime.resolve("pool"), 1, 1, 1024));
        System.out.printf("TIMING pool start (master + 1 worker registered): %d ms%n", millisSince(started));
    }

    @AfterAll
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    @Order(1)
    void startsWithOneRegisteredWorker() {
        PoolStatus status = pool.status();

        assertThat(status.state()).isEqualTo("ALIVE");
        assertThat(status.masterUrl()).isEqualTo(pool.masterUrl());
        assertThat(status.aliveWorkers()).singleElement().satisfies(worker -> {
            assertThat(worker.host()).isEqualTo("127.0.0.1");
            assertThat(worker.cores()).isEqualTo(1);
            assertThat(worker.memoryMb()).isEqualTo(1024);
            assertThat(worker.idle()).isTrue();
        });
        assertThat(status.freeCores()).isEqualTo(1);
        assertThat(status.freeMemoryMb()).isEqualTo(1024);
    }

    @Test
    @Order(2)
    void runsAWorkspaceApplicationOnExecutors() throws Exception {
        Path output = runtime.resolve("quick.out");
        Process application = startApplication("workspace-quick", 2, 1, "quick", output);
        try {
            assertThat(application.waitFor(APPLICATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(tail(output)).isTrue();
            assertThat(application.exitValue()).as(tail(output)).isZero();
            assertThat(Files.readAllLines(output)).as(tail(output)).contains("RESULT groups=10 rows=1000000 min=100000 max=100000");
        } finally {
            application.destroyForcibly();
        }
        assertThat(pool.status().applications()).anySatisfy(app -> {
            assertThat(app.name()).isEqualTo("workspace-quick");
            assertThat(app.memoryPerExecutorMb()).isEqualTo(512);
        });
    }

    @Test
    @Order(3)
    void scalesUpToTwoWorkers() {
        long started = System.nanoTime();
        pool.scaleTo(2);
        System.out.printf("TIMING scale up 1 -> 2 (worker registered): %d ms%n", millisSince(started));

        assertThat(pool.status().aliveWorkers()).hasSize(2);
        assertThat(pool.status().totalCores()).isEqualTo(2);
    }

    @Test
    @Order(4)
    void scalingDownDrainsABusyWorkerAndTheRunningJobCompletes() throws Exception {
        Path output = runtime.resolve("slow.out");
        Process application = startApplication("workspace-slow", 2, 1, "slow", output);
        try {
            // Both workers hold one of the application's executors: no worker is idle.
            awaitTrue(() -> pool.status().aliveWorkers().stream().allMatch(worker -> worker.coresUsed() == 1)
                    || !application.isAlive(), "both workers to hold an executor");
            awaitTrue(() -> lines(output).contains("SESSION") || !application.isAlive(), "the application's session");
            assertThat(application.isAlive()).as(tail(output)).isTrue();
            assertThat(pool.status().aliveWorkers()).noneMatch(WorkerStatus::idle);

            long started = System.nanoTime();
            pool.scaleTo(1);
            System.out.printf("TIMING scale down 2 -> 1 (busy worker drained and stopped): %d ms%n", millisSince(started));
            assertThat(application.isAlive()).as("the job still runs after the drain: " + tail(output)).isTrue();

            assertThat(application.waitFor(APPLICATION_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as(tail(output)).isTrue();
            assertThat(application.exitValue()).as(tail(output)).isZero();
            assertThat(lines(output)).as(tail(output))
                    .anyMatch(line -> line.contains("is now DECOMMISSIONED (worker decommissioned)"))
                    .contains("EXECUTORS 2", "RESULT groups=10 rows=200 min=20 max=20");
        } finally {
            application.destroyForcibly();
        }
        assertThat(pool.status().aliveWorkers()).hasSize(1);
    }

    @Test
    @Order(5)
    void closeLeavesNoChildProcesses() {
        List<ProcessHandle> processes = new ArrayList<>();
        for (long pid : pool.processIds()) {
            ProcessHandle.of(pid).ifPresent(process -> {
                processes.add(process);
                process.descendants().forEach(processes::add);
            });
        }
        assertThat(processes).hasSizeGreaterThanOrEqualTo(2);

        long started = System.nanoTime();
        pool.close();
        System.out.printf("TIMING close: %d ms%n", millisSince(started));

        assertThat(processes).noneMatch(ProcessHandle::isAlive);
        assertThat(ProcessHandle.current().descendants()).noneMatch(process -> processes.stream()
                .anyMatch(known -> known.pid() == process.pid()));
    }

    private Process startApplication(String name, int cores, int memoryGb, String mode, Path output) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.addAll(LocalSpark.ADD_OPENS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PoolApplicationMain.class.getName());
        command.addAll(List.of(pool.masterUrl(), name, Integer.toString(cores), Integer.toString(memoryGb), mode));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return builder.start();
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + APPLICATION_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(200);
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

    private static long millisSince(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }
}
