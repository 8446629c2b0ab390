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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.permit.Permit;
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

    /** What runs for one workspace. */
    private record Running(JupyterServerProcess server, WorkspaceSql sql, ControlSocketServer socket, SandboxSpec spec) {}

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
        // The SQL service and its control socket come first, so the helper inside can reach them.
        WorkspaceSql sql = WorkspaceSql.open(spark.get(), workspace.id(), extract);
        ControlSocketServer socket = null;
        try {
            StatementListener listener = (operation, statement) -> statements.beforeExecute(workspace, operation, statement);
            ControlHandler handler = new TableControlHandler(new SqlControlHandler(sql, SqlLimits.notebookHelper(), listener),
                    new SparkWorkspaceTables(sql, SqlLimits.notebookHelper()), tableEvidence,
                    new TableControlHandler.Target(workspace.id(), permit.id(), workspace.ownerId(), permit.sdcProfile(), base.resolve("outputs")),
                    listener, clock);
            socket = ControlSocketServer.start(spec.controlDirectory(), handler, 2 * SqlLimits.notebookHelper().maxBytes(), 2);
            running.put(workspace.id(), new Running(JupyterServerProcess.start(sandboxes, spec, jupyter), sql, socket, spec));
        } catch (RuntimeException e) {
            if (socket != null) {
                socket.close();
            }
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

    private static void close(Running processes) {
        processes.server().close();
        processes.socket().close();
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
