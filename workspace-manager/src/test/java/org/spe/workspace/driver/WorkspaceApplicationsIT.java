package org.spe.workspace.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.permit.ComputeQuota;
import org.spe.workspace.data.SharedSpark;
import org.spe.workspace.pool.ApplicationStatus;
import org.spe.workspace.pool.PoolSettings;
import org.spe.workspace.pool.SparkStandalonePool;
import org.spe.workspace.sql.SqlLimits;
import org.spe.workspace.sql.SqlResult;
import org.spe.workspace.sql.TestExtracts;

/**
 * Workspaces' own Spark applications on a real embedded pool (a master and one worker of 3 cores):
 * each workspace's SQL runs in its own driver JVM whose application is capped by the quota; a spare
 * driver is bound at open; closing stops the JVM and the application; reconciliation kills drivers a
 * previous platform left. The steps share the pool and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspaceApplicationsIT {
    private static final ComputeQuota QUOTA = new ComputeQuota(1, 1, 0, 1, 10, 0);
    private static final SqlLimits LIMITS = new SqlLimits(10_000, 10L << 20, Duration.ofMinutes(2));
    private static final Map<String, String> FAST_EXECUTORS = Map.of("spark.executor.extraJavaOptions",
            String.join(" ", org.spe.workspace.data.LocalSpark.ADD_OPENS) + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1");

    private Path runtime;
    private SparkStandalonePool pool;
    private WorkspaceApplications applications;
    private Path extractA;
    private Path extractB;
    private RemoteWorkspaceSql workspaceA;
    private RemoteWorkspaceSql workspaceB;

    @BeforeAll
    void start() throws IOException {
        SparkSession spark = SharedSpark.session();
        Path extracts = SharedSpark.tempDirectory("spe-driver-it");
        extractA = TestExtracts.write(spark, extracts.resolve("a"), "cohort");
        extractB = TestExtracts.write(spark, extracts.resolve("b"), "other_cohort");
        Files.createDirectories(Path.of("target"));
        runtime = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "driver-it-");
        pool = SparkStandalonePool.start(PoolSettings.of(runtime.resolve("pool"), 1, 3, 4096));
        applications = new WorkspaceApplications(pool, runtime.resolve("drivers"), 1, 512, Duration.ofMinutes(3), FAST_EXECUTORS);
    }

    @AfterAll
    void stop() {
        if (workspaceA != null) {
            workspaceA.close();
        }
        if (workspaceB != null) {
            workspaceB.close();
        }
        if (applications != null) {
            applications.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    @Test
    @Order(1)
    void aWorkspaceQueriesItsViewsInItsOwnApplicationCappedByTheQuota() {
        long started = System.nanoTime();
        workspaceA = applications.open("W-A", QUOTA, extractA);
        System.out.printf("TIMING cold open (driver JVM + application): %d ms%n", millis(started));

        assertThat(workspaceA.tables()).containsExactly("cohort");
        SqlResult result = workspaceA.execute("SELECT count(*) AS n, sum(amount) AS total FROM cohort WHERE flag", LIMITS, "count");
        SqlResult local = org.spe.workspace.sql.SessionWorkspaceSql.open(SharedSpark.session(), "W-A-local", extractA)
                .execute("SELECT count(*) AS n, sum(amount) AS total FROM cohort WHERE flag", LIMITS, "count");
        assertThat(result).isEqualTo(local);
        assertThat(workspaceA.driver().pid()).isNotEqualTo(ProcessHandle.current().pid());

        ApplicationStatus application = pool.status().runningApplications().stream()
                .filter(app -> app.id().equals(workspaceA.driver().applicationId())).findFirst().orElseThrow();
        assertThat(application.cores()).isLessThanOrEqualTo(QUOTA.cores());
        assertThat(application.memoryPerExecutorMb()).isEqualTo(1024);
        assertThat(workspaceA.usage().cpuSeconds()).isPositive();
    }

    @Test
    @Order(2)
    void theNextWorkspaceTakesTheWaitingSpareAndSeesOnlyItsOwnViews() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (applications.sparesWaiting() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(applications.sparesWaiting()).isEqualTo(1);
        assertThat(applications.spareCores(QUOTA)).isEqualTo(1);

        long started = System.nanoTime();
        workspaceB = applications.open("W-B", QUOTA, extractB);
        System.out.printf("TIMING warm open (spare bound): %d ms%n", millis(started));

        assertThat(workspaceB.tables()).containsExactly("other_cohort");
        assertThat(workspaceB.execute("SELECT count(*) FROM other_cohort", LIMITS, "own").rows()).containsExactly(List.of(1000L));
        assertThatThrownBy(() -> workspaceB.execute("SELECT * FROM cohort", LIMITS, "foreign"))
                .isInstanceOf(SpeException.class).hasMessageContaining("not one of this workspace's tables");
        assertThatThrownBy(() -> workspaceB.execute("SELECT * FROM parquet.`" + extractA.resolve("cohort") + "`", LIMITS, "files"))
                .isInstanceOf(SpeException.class)
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT));
    }

    @Test
    @Order(3)
    void aRunningQueryIsCancelledAndATimeoutIsEnforcedInTheDriver() throws Exception {
        String slow = "SELECT count(*) FROM range(2000000) a CROSS JOIN range(2000000) b WHERE a.id + b.id = 7";
        CompletableFuture<SqlResult> running = CompletableFuture.supplyAsync(() -> workspaceA.execute(slow, LIMITS, "cancel-me"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean cancelled = false;
        while (!cancelled && System.nanoTime() < deadline) {
            Thread.sleep(100);
            cancelled = workspaceA.cancel("cancel-me");
        }
        assertThat(cancelled).isTrue();
        assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS)).cause().isInstanceOf(SpeException.class)
                .hasMessageContaining("cancelled");

        assertThatThrownBy(() -> workspaceA.execute(slow, new SqlLimits(10, 1 << 20, Duration.ofSeconds(1)), "slow"))
                .isInstanceOf(SpeException.class)
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.LIMIT_EXCEEDED));
        assertThat(workspaceA.execute("SELECT count(*) FROM cohort", LIMITS, "after").rows()).containsExactly(List.of(1000L));
    }

    @Test
    @Order(4)
    void closingStopsTheDriverAndItsApplication() throws Exception {
        long pid = workspaceB.driver().pid();
        String applicationId = workspaceB.driver().applicationId();

        workspaceB.close();

        assertThat(ProcessHandle.of(pid)).isEmpty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pool.status().runningApplications().stream().anyMatch(app -> app.id().equals(applicationId)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(pool.status().runningApplications()).noneMatch(app -> app.id().equals(applicationId));
        assertThatThrownBy(() -> workspaceB.execute("SELECT 1", LIMITS, "closed")).hasMessageContaining("closed");
    }

    @Test
    @Order(5)
    void reconciliationKillsDriversAPreviousPlatformLeft() throws Exception {
        WorkspaceDriverProcess orphan = WorkspaceDriverProcess.launch("orphan", runtime.resolve("drivers"),
                Map.of("spark.master", pool.masterUrl(), "spark.app.name", "orphan", "spark.cores.max", "1",
                        "spark.executor.memory", "512m", "spark.ui.enabled", "false", "spark.driver.host", "127.0.0.1",
                        "spark.driver.bindAddress", "127.0.0.1"), 384);
        ProcessHandle handle = ProcessHandle.of(orphan.pid()).orElseThrow();

        // A restarted platform finds the orphan's folder (and nothing of this run) under its root.
        Path restartedRoot = runtime.resolve("drivers-after-restart");
        Files.createDirectories(restartedRoot);
        Files.move(runtime.resolve("drivers").resolve("orphan"), restartedRoot.resolve("orphan"));
        assertThat(handle.isAlive()).isTrue();

        new WorkspaceApplications(pool, restartedRoot, 0, 512, Duration.ofMinutes(1), Map.of()).reconcile();

        assertThat(handle.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(restartedRoot.resolve("orphan")).doesNotExist();
    }

    private static long millis(long started) {
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }
}
