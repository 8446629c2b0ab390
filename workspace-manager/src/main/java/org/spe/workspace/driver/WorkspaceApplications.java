package org.spe.workspace.driver;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.permit.ComputeQuota;
import org.spe.workspace.pool.ComputePool;
import org.spe.workspace.pool.WorkspaceSparkConfig;

/**
 * The Spark applications of workspaces on a compute pool: one driver JVM per workspace
 * ({@link WorkspaceDriverMain}), with its application capped by the permit's quota
 * ({@link WorkspaceSparkConfig}).
 *
 * <p>Spares: starting a JVM and registering an application and its executors takes tens of seconds
 * on a busy machine, so the platform keeps {@code spares} drivers started and waiting, unbound to
 * any workspace, for the quota last asked for. {@link #open} takes a spare of the same quota when
 * there is one (a workspace is then READY after loading its views) and starts a replacement in the
 * background; otherwise it starts a driver and waits. A spare holds its quota's executors on the
 * pool while it waits; admission counts that ({@link #spareCores}).
 *
 * <p>Reconciliation: each driver writes its pid under {@code root}; {@link #reconcile()} (at
 * platform start) kills drivers of a previous run still alive and removes their folders. Drivers
 * also exit by themselves when the platform's JVM goes (their standard input closes).
 *
 * <p>Thread-safe.
 */
public final class WorkspaceApplications implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkspaceApplications.class);

    private final ComputePool pool;
    private final Path root;
    private final int spares;
    private final int heapMb;
    private final Duration startTimeout;
    private final Map<String, String> extraSettings;
    private final AtomicLong counter = new AtomicLong();
    private final Map<ComputeQuota, List<WorkspaceDriverProcess>> waiting = new LinkedHashMap<>();
    private final List<WorkspaceDriverProcess> starting = new ArrayList<>();
    private final ExecutorService background = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spe-spare-drivers");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean closed;

    /**
     * @param pool the pool the applications run on
     * @param root where drivers keep their folders (pid, settings, socket, log)
     * @param spares how many started drivers to keep waiting (0 for none)
     * @param heapMb each driver JVM's heap
     * @param startTimeout how long a driver may take to be ready
     * @param extraSettings Spark settings added to every application (for example shuffle partitions)
     */
    public WorkspaceApplications(ComputePool pool, Path root, int spares, int heapMb, Duration startTimeout, Map<String, String> extraSettings) {
        this.pool = requireNonNull(pool, "pool is null");
        this.root = requireNonNull(root, "root is null");
        if (spares < 0 || heapMb < 256) {
            throw new IllegalArgumentException("spares must not be negative and heapMb at least 256");
        }
        this.spares = spares;
        this.heapMb = heapMb;
        this.startTimeout = requireNonNull(startTimeout, "startTimeout is null");
        this.extraSettings = Map.copyOf(requireNonNull(extraSettings, "extraSettings is null"));
    }

    /**
     * The SQL of a workspace in its own application: a waiting spare of the same quota bound to the
     * workspace, or a new driver. Blocking (up to the start timeout when no spare waits).
     *
     * @throws org.spe.core.RetriableException if a new driver does not start in time
     * @throws org.spe.core.SpeException if the views cannot be loaded (the driver is then stopped)
     */
    public RemoteWorkspaceSql open(String workspaceId, ComputeQuota quota, Path extract) {
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(quota, "quota is null");
        requireNonNull(extract, "extract is null");
        WorkspaceDriverProcess driver = takeSpare(quota).orElse(null);
        if (driver == null) {
            driver = launch(quota).awaitReady(startTimeout);
        } else {
            log.info("workspace {} takes spare driver {} (waited {} s)", workspaceId, driver.name(), driver.age().toSeconds());
        }
        refill(quota);
        try {
            return RemoteWorkspaceSql.bind(driver, workspaceId, extract);
        } catch (RuntimeException e) {
            driver.close();
            throw e;
        }
    }

    /** Starts spares for {@code quota} in the background until {@code spares} wait for it. Non-blocking. */
    public void prepareSpares(ComputeQuota quota) {
        refill(requireNonNull(quota, "quota is null"));
    }

    /** Cores held on the pool by waiting spares of {@code quota} (one spare's worth at most: what one admission may take). */
    public synchronized int spareCores(ComputeQuota quota) {
        List<WorkspaceDriverProcess> ready = waiting.get(quota);
        return ready == null || ready.isEmpty() ? 0 : Integer.parseInt(settings(quota, "x").get("spark.cores.max"));
    }

    /** How many spares wait now, over all quotas. */
    public synchronized int sparesWaiting() {
        return waiting.values().stream().mapToInt(List::size).sum();
    }

    /**
     * Kills driver JVMs a previous run left (found by their pid files under the root, checked to be
     * workspace drivers by their command line) and removes their folders. Call before starting drivers.
     */
    public void reconcile() {
        reconcile(root);
    }

    /** {@link #reconcile()} for the drivers under {@code root}, before any pool exists. */
    public static void reconcile(Path root) {
        requireNonNull(root, "root is null");
        if (!Files.isDirectory(root)) {
            return;
        }
        try (var folders = Files.list(root)) {
            for (Path folder : folders.toList()) {
                Path pidFile = folder.resolve(WorkspaceDriverProcess.PID_FILE);
                if (Files.isRegularFile(pidFile)) {
                    long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
                    ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                            .filter(process -> process.info().commandLine().map(line -> line.contains(WorkspaceDriverMain.class.getName())).orElse(false))
                            .ifPresent(process -> {
                                log.warn("stopping driver {} (pid {}) left by a previous run", folder.getFileName(), pid);
                                process.destroyForcibly();
                                process.onExit().join();
                            });
                }
                WorkspaceDriverProcess.deleteRecursively(folder);
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("could not reconcile the drivers under {}", root, e);
        }
    }

    /** Stops the waiting spares and refuses new ones. Running workspaces' drivers are closed by their owners. */
    @Override
    public void close() {
        closed = true;
        background.shutdownNow();
        List<WorkspaceDriverProcess> stopping = new ArrayList<>();
        synchronized (this) {
            waiting.values().forEach(stopping::addAll);
            waiting.clear();
            stopping.addAll(starting);
        }
        stopping.forEach(WorkspaceDriverProcess::close);
    }

    private synchronized Optional<WorkspaceDriverProcess> takeSpare(ComputeQuota quota) {
        List<WorkspaceDriverProcess> ready = waiting.get(quota);
        while (ready != null && !ready.isEmpty()) {
            WorkspaceDriverProcess spare = ready.remove(0);
            if (spare.isAlive()) {
                return Optional.of(spare);
            }
        }
        return Optional.empty();
    }

    private void refill(ComputeQuota quota) {
        if (spares == 0 || closed) {
            return;
        }
        background.submit(() -> {
            // Spares of other quotas give way: only the quota last asked for is kept warm.
            List<WorkspaceDriverProcess> stale = new ArrayList<>();
            synchronized (this) {
                waiting.entrySet().removeIf(entry -> {
                    if (!entry.getKey().equals(quota)) {
                        stale.addAll(entry.getValue());
                        return true;
                    }
                    return false;
                });
            }
            stale.forEach(WorkspaceDriverProcess::close);
            while (!closed) {
                synchronized (this) {
                    if (waiting.getOrDefault(quota, List.of()).size() >= spares) {
                        return;
                    }
                }
                WorkspaceDriverProcess driver = launch(quota);
                synchronized (this) {
                    starting.add(driver);
                }
                try {
                    driver.awaitReady(startTimeout);
                } catch (RuntimeException e) {
                    log.warn("a spare driver did not start", e);
                    return;
                } finally {
                    synchronized (this) {
                        starting.remove(driver);
                    }
                }
                synchronized (this) {
                    if (closed) {
                        driver.close();
                        return;
                    }
                    waiting.computeIfAbsent(quota, q -> new ArrayList<>()).add(driver);
                }
                log.info("spare driver {} ready after {} ms", driver.name(), driver.age().toMillis());
            }
        });
    }

    private WorkspaceDriverProcess launch(ComputeQuota quota) {
        String name = "driver-" + ProcessHandle.current().pid() + "-" + counter.incrementAndGet();
        return WorkspaceDriverProcess.launch(name, root, settings(quota, "spe-" + name), heapMb);
    }

    /** The Spark settings of an application of {@code quota} on this pool (also the benchmark's bare baseline). */
    public Map<String, String> settings(ComputeQuota quota, String appName) {
        Map<String, String> settings = new LinkedHashMap<>(WorkspaceSparkConfig.forQuota(quota, pool.masterUrl(), appName));
        settings.put("spark.driver.bindAddress", "127.0.0.1");
        settings.put("spark.driver.host", "127.0.0.1");
        settings.put("spark.sql.adaptive.enabled", "true");
        settings.put("spark.sql.shuffle.partitions", Integer.toString(Math.max(4, 2 * quota.cores())));
        settings.putAll(extraSettings);
        return settings;
    }
}
