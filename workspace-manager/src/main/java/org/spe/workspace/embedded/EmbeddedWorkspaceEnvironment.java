package org.spe.workspace.embedded;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.Permit;
import org.spe.workspace.driver.RemoteWorkspaceSql;
import org.spe.workspace.driver.WorkspaceApplications;
import org.spe.workspace.usage.UsageMeter;
import org.spe.workspace.pool.Admission;
import org.spe.workspace.pool.AdmissionDecision;
import org.spe.workspace.pool.ComputePool;
import org.spe.workspace.data.ExtractBuilder;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.spe.workspace.helper.ControlSocketServer;
import org.spe.workspace.helper.PythonHelper;
import org.spe.workspace.helper.SqlControlHandler;
import org.spe.workspace.helper.ControlHandler;
import org.spe.workspace.helper.StatementListener;
import org.spe.workspace.helper.TableControlHandler;
import org.spe.workspace.tables.SparkWorkspaceTables;
import org.spe.workspace.tables.TableQuery;
import org.spe.workspace.tables.TableResult;
import org.spe.workspace.tables.WorkspaceTables;
import org.spe.output.sdc.PseudonymDictionary;
import org.spe.workspace.sql.SessionWorkspaceSql;
import org.spe.output.release.TableEvidenceStore;
import org.spe.workspace.kernel.JupyterServerProcess;
import org.spe.workspace.sql.SqlLimits;
import org.spe.workspace.sql.WorkspaceSql;
import org.spe.workspace.kernel.JupyterServerSettings;
import org.spe.workspace.kernel.KernelGateway;
import org.spe.workspace.lifecycle.DeletionCertificate;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.lifecycle.WorkspaceEnvironment;
import org.spe.workspace.sandbox.SandboxFactory;
import org.spe.workspace.sandbox.SandboxSpec;

/**
 * Workspaces on this machine: the permit's extract built by Spark under {@code extracts/}, the
 * workspace's {@code home/} and {@code outputs/} under {@code workspaces/<id>/}, a SQL service over
 * the extract's views with its control socket, and a Jupyter server inside a bubblewrap sandbox
 * that sees only those, the read-only extract and the {@code spe} helper module. Thread-safe.
 */
public final class EmbeddedWorkspaceEnvironment implements WorkspaceEnvironment {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedWorkspaceEnvironment.class);

    /** Makes sure the extract of a permit's current version exists, building it if not; the platform audits builds. */
    @FunctionalInterface
    public interface Extracts {
        void ensure(Permit permit);
    }

    /** Hears every statement a workspace's code sends through the control socket, before it runs (the platform audits it). */
    @FunctionalInterface
    public interface StatementAudit {
        void beforeExecute(Workspace workspace, String operation, String statement);
    }

    /**
     * The compute behind workspaces when a pool runs: each workspace's SQL in its own Spark
     * application on the pool ({@link WorkspaceApplications}), admitted against the pool's free
     * capacity and the permit's CPU-hour budget.
     *
     * @param pool the pool
     * @param applications the workspaces' applications on it
     * @param meter where the applications' own accounting (task CPU time) is added up; admission
     *     reads the permit's CPU-hours from it
     */
    public record Compute(ComputePool pool, WorkspaceApplications applications, UsageMeter meter) {
        public Compute {
            requireNonNull(pool, "pool is null");
            requireNonNull(applications, "applications is null");
            requireNonNull(meter, "meter is null");
        }
    }

    /** Starts Jupyter servers beside the Spark application of the same workspace. */
    private static final java.util.concurrent.ExecutorService STARTER = java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "spe-jupyter-start");
        thread.setDaemon(true);
        return thread;
    });

    private static JupyterServerProcess join(CompletableFuture<JupyterServerProcess> server) {
        try {
            return server.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
    }

    private static void closeWhenStarted(CompletableFuture<JupyterServerProcess> server) {
        if (server != null) {
            server.thenAccept(JupyterServerProcess::close);
        }
    }

    /** What runs for one workspace. */
    private record Running(Workspace workspace, ComputeQuota quota, JupyterServerProcess server, WorkspaceSql sql, InProcessTables tables,
            TableControlHandler.Target tableTarget, ControlSocketServer socket, SandboxSpec spec) {}

    /** {@link SparkWorkspaceTables} over a {@link SessionWorkspaceSql} in this JVM: the workspace's own, or one opened on first use (and closed with the workspace). */
    private static final class InProcessTables implements WorkspaceTables, AutoCloseable {
        private final Optional<SessionWorkspaceSql> own;
        private final Supplier<SessionWorkspaceSql> opener;
        private SessionWorkspaceSql opened;
        private boolean closed;

        InProcessTables(Optional<SessionWorkspaceSql> own, Supplier<SessionWorkspaceSql> opener) {
            this.own = own;
            this.opener = opener;
        }

        @Override
        public TableResult make(TableQuery query, String profile, Optional<PseudonymDictionary> dictionary) {
            return new SparkWorkspaceTables(sql(), SqlLimits.notebookHelper()).make(query, profile, dictionary);
        }

        private synchronized SessionWorkspaceSql sql() {
            if (own.isPresent()) {
                return own.get();
            }
            if (closed) {
                throw org.spe.core.SpeException.conflict("the workspace has stopped");
            }
            if (opened == null) {
                opened = opener.get();
            }
            return opened;
        }

        @Override
        public synchronized void close() {
            closed = true;
            if (opened != null) {
                opened.close();
            }
        }
    }

    private final Path workspacesRoot;
    private final Path extractsRoot;
    private final Extracts extracts;
    private final SandboxFactory sandboxes;
    private final JupyterServerSettings jupyter;
    private final Clock clock;
    private final Supplier<SparkSession> spark;
    private final Path pythonHelper;
    private final StatementAudit statements;
    private final TableEvidenceStore tableEvidence;
    private final Map<String, Running> running = new ConcurrentHashMap<>();
    private final List<java.util.function.Consumer<String>> stopListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Supplier<Optional<Compute>> compute;

    /**
     * @param spark the platform's Spark session; each workspace gets an isolated session of it ({@link WorkspaceSql})
     * @param pythonHelper a folder where the {@code spe} Python module is installed, bound read-only into sandboxes
     */
    public EmbeddedWorkspaceEnvironment(Path workspacesRoot, Path extractsRoot, Extracts extracts, SandboxFactory sandboxes,
            JupyterServerSettings jupyter, Clock clock, Supplier<SparkSession> spark, Path pythonHelper, StatementAudit statements) {
        this(workspacesRoot, extractsRoot, extracts, sandboxes, jupyter, clock, spark, pythonHelper, statements, TableEvidenceStore.none());
    }

    /**
     * The same, with the platform's table function behind {@code spe.table}: tables made in a
     * workspace are written into its {@code outputs/} and their evidence into {@code tableEvidence}.
     */
    public EmbeddedWorkspaceEnvironment(Path workspacesRoot, Path extractsRoot, Extracts extracts, SandboxFactory sandboxes,
            JupyterServerSettings jupyter, Clock clock, Supplier<SparkSession> spark, Path pythonHelper, StatementAudit statements,
            TableEvidenceStore tableEvidence) {
        this(workspacesRoot, extractsRoot, extracts, sandboxes, jupyter, clock, spark, pythonHelper, statements, tableEvidence, Optional::empty);
    }

    /**
     * The same, with a compute pool: when {@code compute} answers one, each workspace's SQL runs in
     * its own Spark application there ({@link WorkspaceApplications}), admitted first.
     *
     * @param spark the platform's Spark session; without a pool each workspace gets an isolated session of it
     * @param compute the pool and the workspaces' applications on it, when a pool runs (asked at each start)
     */
    public EmbeddedWorkspaceEnvironment(Path workspacesRoot, Path extractsRoot, Extracts extracts, SandboxFactory sandboxes,
            JupyterServerSettings jupyter, Clock clock, Supplier<SparkSession> spark, Path pythonHelper, StatementAudit statements,
            TableEvidenceStore tableEvidence, Supplier<Optional<Compute>> compute) {
        this.compute = requireNonNull(compute, "compute is null");
        this.workspacesRoot = requireNonNull(workspacesRoot, "workspacesRoot is null");
        this.extractsRoot = requireNonNull(extractsRoot, "extractsRoot is null");
        this.extracts = requireNonNull(extracts, "extracts is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.jupyter = requireNonNull(jupyter, "jupyter is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.spark = requireNonNull(spark, "spark is null");
        PythonHelper.install(pythonHelper);
        this.pythonHelper = pythonHelper;
        this.statements = requireNonNull(statements, "statements is null");
        this.tableEvidence = requireNonNull(tableEvidence, "tableEvidence is null");
    }

    /** The folder of a workspace's files. */
    public Path directory(String workspaceId) {
        return workspacesRoot.resolve(workspaceId);
    }

    /** The workspace's {@code outputs/}, where release requests take files from. */
    public Path outputs(String workspaceId) {
        return directory(workspaceId).resolve("outputs");
    }

    @Override
    public void prepare(Workspace workspace, Permit permit) {
        extracts.ensure(permit);
        try {
            for (String part : List.of("home", "outputs", "control")) {
                Files.createDirectories(directory(workspace.id()).resolve(part));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the folders of workspace " + workspace.id(), e);
        }
    }

    @Override
    public void start(Workspace workspace, Permit permit) {
        if (running(workspace)) {
            return;
        }
        Path extract = ExtractBuilder.extractDirectory(extractsRoot, permit.id(), permit.version());
        if (!Files.isDirectory(extract)) {
            extracts.ensure(permit);
        }
        Path base = directory(workspace.id());
        SandboxSpec spec = PythonHelper.wire(new SandboxSpec(workspace.id(), base.resolve("home"), base.resolve("outputs"), extract, List.of(), Map.of(),
                base.resolve("control")), pythonHelper);
        // With a pool, the workspace's Spark application is bound (or started) while its Jupyter
        // server starts in the sandbox: READY waits for the slower of the two, not their sum. The
        // helper inside reaches the SQL service only through the control socket, which appears in
        // the bind-mounted control directory once the service is open, before READY.
        Optional<Compute> pool = compute.get();
        if (pool.isPresent()) {
            admit(permit);
        }
        CompletableFuture<JupyterServerProcess> server = pool.isPresent()
                ? CompletableFuture.supplyAsync(() -> JupyterServerProcess.start(sandboxes, spec, jupyter), STARTER)
                : null;
        WorkspaceSql sql;
        try {
            sql = pool.isPresent() ? pool.get().applications().open(workspace.id(), permit.quota(), extract)
                    : WorkspaceSql.open(spark.get(), workspace.id(), extract);
        } catch (RuntimeException e) {
            closeWhenStarted(server);
            throw e;
        }
        // Tables need the permit's pseudonym dictionary, which the platform keeps: they are made in
        // this JVM, over the workspace's own SQL when that runs here, else over a session of the
        // platform's Spark opened on the first spe.table.
        InProcessTables tables = new InProcessTables(sql instanceof SessionWorkspaceSql local ? Optional.of(local) : Optional.empty(),
                () -> SessionWorkspaceSql.open(spark.get(), workspace.id(), extract));
        ControlSocketServer socket = null;
        try {
            StatementListener listener = (operation, statement) -> statements.beforeExecute(workspace, operation, statement);
            TableControlHandler.Target tableTarget = new TableControlHandler.Target(workspace.id(), permit.id(), workspace.ownerId(),
                    permit.sdcProfile(), base.resolve("outputs"));
            ControlHandler handler = new TableControlHandler(new SqlControlHandler(sql, SqlLimits.notebookHelper(), listener),
                    tables, tableEvidence, tableTarget, listener, clock);
            socket = ControlSocketServer.start(spec.controlDirectory(), handler, 2 * SqlLimits.notebookHelper().maxBytes(), 2);
            JupyterServerProcess started = server == null ? JupyterServerProcess.start(sandboxes, spec, jupyter) : join(server);
            running.put(workspace.id(), new Running(workspace, permit.quota(), started, sql, tables, tableTarget, socket, spec));
        } catch (RuntimeException e) {
            closeWhenStarted(server);
            if (socket != null) {
                socket.close();
            }
            tables.close();
            sql.close();
            throw e;
        }
        log.info("Workspace {} started", workspace.id());
    }

    /** The sandbox spec of a running workspace (what its desktop and kernels see), if it runs. */
    public Optional<SandboxSpec> sandboxSpec(String workspaceId) {
        return Optional.ofNullable(running.get(workspaceId)).filter(r -> r.server().isAlive()).map(Running::spec);
    }

    /** The sandbox backend, for other processes of a workspace (its desktop). */
    public SandboxFactory sandboxes() {
        return sandboxes;
    }

    /** Runs {@code listener} with a workspace's id whenever it stops (suspend, lock, destroy), before its processes go. */
    public void onStop(java.util.function.Consumer<String> listener) {
        stopListeners.add(java.util.Objects.requireNonNull(listener, "listener is null"));
    }

    /**
     * Refuses with LIMIT_EXCEEDED, naming each limit and by how much, when the pool lacks the cores or
     * memory of the permit's quota now (a waiting spare driver of that quota counts as free) or the
     * permit's CPU-hour budget (or, when it asks for GPUs, its GPU-hour budget) is spent. Admits
     * everything when no pool runs. Blocks for one request to the pool's master.
     */
    @Override
    public void admit(Permit permit) {
        Optional<Compute> pool = compute.get();
        if (pool.isEmpty()) {
            return;
        }
        ComputeQuota quota = permit.quota();
        int spareCores = pool.get().applications().spareCores(quota);
        Admission.BudgetUse budgets = Admission.BudgetUse.of(quota, pool.get().meter().cpuSecondsOfPermit(permit.id()) / 3600,
                pool.get().meter().gpuSecondsOfPermit(permit.id()) / 3600);
        AdmissionDecision decision = Admission.check(pool.get().pool().status(), quota, budgets, spareCores, spareCores > 0 ? quota.memoryGb() * 1024L : 0);
        if (!decision.admitted()) {
            throw new SpeException(ErrorCategory.LIMIT_EXCEEDED, "The workspace cannot start now: " + decision.message());
        }
    }

    @Override
    public void stop(Workspace workspace) {
        for (java.util.function.Consumer<String> listener : stopListeners) {
            try {
                listener.accept(workspace.id());
            } catch (RuntimeException e) {
                log.error("A stop listener of workspace {} failed", workspace.id(), e);
            }
        }
        Running processes = running.remove(workspace.id());
        if (processes != null) {
            close(processes);
            log.info("Workspace {} stopped", workspace.id());
        }
    }

    @Override
    public boolean running(Workspace workspace) {
        Running processes = running.get(workspace.id());
        return processes != null && processes.server().isAlive();
    }

    /** The notebook gateway of a running workspace. */
    public Optional<KernelGateway> gateway(String workspaceId) {
        return Optional.ofNullable(running.get(workspaceId)).filter(r -> r.server().isAlive()).map(r -> r.server().gateway());
    }

    /** The SQL service of a running workspace (views over its extract only). */
    public Optional<WorkspaceSql> sql(String workspaceId) {
        return Optional.ofNullable(running.get(workspaceId)).map(Running::sql);
    }

    /**
     * The platform's table function of a running workspace ({@code {"op":"table",…}} requests, as
     * {@code spe.table} sends them) for a request made through the platform's API by
     * {@code authorId}, who is recorded as the tables' author; statements go to {@code listener}.
     * Every other request is refused. Empty when the workspace does not run.
     */
    public Optional<ControlHandler> tableFunction(String workspaceId, String authorId, StatementListener listener) {
        requireNonNull(authorId, "authorId is null");
        requireNonNull(listener, "listener is null");
        return Optional.ofNullable(running.get(workspaceId)).map(r -> new TableControlHandler(
                request -> SqlControlHandler.error(ErrorCategory.INVALID_INPUT, "only table requests are answered here"), r.tables(), tableEvidence,
                new TableControlHandler.Target(workspaceId, r.tableTarget().permitId(), authorId, r.tableTarget().profile(), r.tableTarget().outputs()),
                listener, clock));
    }

    /**
     * Reads the accounting of every running workspace application into the meter (a scheduled job,
     * and before each usage report). Blocks for one local request per workspace; a driver that does
     * not answer is skipped.
     */
    public void sampleUsage() {
        for (Running processes : List.copyOf(running.values())) {
            sample(processes);
        }
    }

    private void sample(Running processes) {
        Optional<Compute> pool = compute.get();
        if (pool.isEmpty() || !(processes.sql() instanceof RemoteWorkspaceSql remote)) {
            return;
        }
        try {
            RemoteWorkspaceSql.DriverUsage usage = remote.usage();
            ComputeQuota quota = processes.quota();
            double gpuSeconds = quota.gpus() == 0 ? 0 : usage.taskSeconds() * Math.min(1.0, (double) quota.gpus() / quota.cores());
            pool.get().meter().record(processes.workspace().id(), processes.workspace().permitId(), usage.applicationId(),
                    usage.cpuSeconds(), usage.taskSeconds(), gpuSeconds);
        } catch (RuntimeException e) {
            log.warn("could not read the usage of workspace {}", processes.workspace().id(), e);
        }
    }

    private void close(Running processes) {
        sample(processes);
        processes.server().close();
        processes.socket().close();
        processes.tables().close();
        processes.sql().close();
    }

    @Override
    public DeletionCertificate wipe(Workspace workspace) {
        Path base = directory(workspace.id());
        List<DeletionCertificate.WipedFile> wiped = new ArrayList<>();
        long total = 0;
        if (Files.exists(base, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> walk = Files.walk(base)) {
                for (Path file : walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                    long size = Files.size(file);
                    wiped.add(new DeletionCertificate.WipedFile(base.relativize(file).toString(), size, sha256(file)));
                    total += size;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list the files of workspace " + workspace.id(), e);
            }
            try (Stream<Path> walk = Files.walk(base)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete the files of workspace " + workspace.id(), e);
            }
        }
        return new DeletionCertificate(workspace.id(), workspace.permitId(), clock.instant(), wiped, total);
    }

    /** Stops every workspace's processes (platform shutdown). */
    public void stopAll() {
        for (String id : List.copyOf(running.keySet())) {
            Running processes = running.remove(id);
            if (processes != null) {
                close(processes);
            }
        }
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
