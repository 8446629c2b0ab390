package org.spe.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.audit.AuditActions;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitTransitions;
import org.spe.core.secrets.Ed25519KeyPair;
import org.spe.output.release.DirectoryOutputFiles;
import org.spe.output.release.FileTableEvidenceStore;
import org.spe.output.release.TableEvidenceStore;
import org.spe.output.release.PackageSigner;
import org.spe.output.release.ReleaseLimits;
import org.spe.output.release.ReleaseService;
import org.spe.workspace.data.ExtractBuilder;
import org.spe.workspace.data.ExtractResult;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.spe.server.config.SpeConfig;
import java.util.Map;
import org.spe.workspace.driver.WorkspaceApplications;
import org.spe.workspace.usage.FeeTable;
import org.spe.workspace.usage.PermitUsage;
import org.spe.workspace.usage.UsageMeter;
import org.spe.workspace.usage.WorkspaceUsage;
import org.spe.workspace.pool.ComputePool;
import org.spe.workspace.pool.PoolSettings;
import org.spe.workspace.pool.SparkStandalonePool;
import org.spe.workspace.data.LocalSpark;
import org.spe.workspace.embedded.EmbeddedWorkspaceEnvironment;
import org.spe.workspace.kernel.JupyterServerSettings;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.lifecycle.WorkspaceEnvironment;
import org.spe.workspace.lifecycle.WorkspaceService;
import org.spe.workspace.kernel.KernelGateway;
import org.spe.workspace.kubernetes.KubernetesWorkspaceEnvironment;
import org.spe.workspace.sql.WorkspaceSql;
import org.spe.workspace.sandbox.BubblewrapSandboxFactory;

/**
 * The data plane, workspaces and releases of the platform, wired over the core
 * {@link Platform}: extracts built by a local Spark session, workspaces in bubblewrap with a
 * Jupyter server (embedded default) or in a namespace per workspace on Kubernetes
 * ({@code workspaces.backend: kubernetes}), release requests over the workspaces' {@code outputs/}. Provisioning runs on a
 * background thread; a scheduler locks workspaces of unusable permits, suspends idle ones, deletes
 * desktop recordings past the audit retention and runs the daily audit monitoring. Thread-safe.
 */
public final class Workspaces implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Workspaces.class);
    /** Locked workspaces are wiped after this grace period. */
    public static final Duration LOCK_GRACE = Duration.ofDays(30);
    /** Ready workspaces without activity for this long are suspended. */
    public static final Duration IDLE = Duration.ofHours(2);
    /** How often desktop recordings past the audit retention are deleted (also once at start). */
    public static final Duration RECORDING_RETENTION_INTERVAL = Duration.ofHours(6);
    /**
     * How long a workspace's Spark driver may take to start its application: minutes on a 2-core
     * machine at load 30 (measured: over 3 minutes for a cold driver), seconds on a quiet one.
     */
    static final Duration DRIVER_START_TIMEOUT = Duration.ofMinutes(10);

    private final Platform platform;
    public final Path lake;
    public final Path extracts;
    public final EmbeddedWorkspaceEnvironment environment;
    public final WorkspaceService workspaces;
    public final ReleaseService releases;
    /** The workspaces' {@code outputs/}: their folders under the data dir (embedded); not reachable on Kubernetes yet. */
    public final org.spe.output.release.OutputFiles outputFiles;
    /** Remote desktops of the workspaces and their sessions. */
    public final Desktops desktops;
    /** Evidence of the tables made in workspaces ({@code spe.table}), kept by the platform under {@code <data-dir>/table-evidence/}. */
    public final TableEvidenceStore tableEvidence;
    private final ExecutorService provisioning = Executors.newFixedThreadPool(2, daemon("spe-provision"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(daemon("spe-scheduler"));
    private LocalSpark.Lease spark;
    private volatile Optional<ComputePool> pool = Optional.empty();
    private volatile Optional<EmbeddedWorkspaceEnvironment.Compute> compute = Optional.empty();
    private io.micrometer.core.instrument.Timer queryTimer;
    /** Compute used per workspace, from Spark's own accounting; kept under the data dir. */
    public final UsageMeter meter;
    private final FeeTable fees;
    /** Kubernetes node pools (workspaces.kubernetes.cpuPool / gpuPool), when configured. */
    private volatile List<ComputePool> nodePools = List.of();
    /** The cluster's API, when workspaces run on Kubernetes or node pools are configured. */
    private final Optional<io.fabric8.kubernetes.client.KubernetesClient> kubernetes;
    /** Workspaces on the cluster, with {@code workspaces.backend: kubernetes}; empty with the embedded backend. */
    private final Optional<KubernetesWorkspaceEnvironment> kubernetesEnvironment;

    public Workspaces(Platform platform) {
        this.platform = requireNonNull(platform, "platform is null");
        SpeConfig.KubernetesWorkspaces cluster = platform.config.workspaces().kubernetes();
        boolean onKubernetes = platform.config.workspaces().onKubernetes();
        this.kubernetes = onKubernetes || !cluster.cpuPool().isEmpty() || !cluster.gpuPool().isEmpty()
                ? Optional.of(kubernetesClient(cluster)) : Optional.empty();
        Path data = platform.config.dataPath();
        this.lake = data.resolve("lake");
        this.extracts = data.resolve("extracts");
        Path runtime = data.resolve("run");
        this.meter = new UsageMeter(data.resolve("metering").resolve("usage.json"));
        this.fees = platform.config.fees().table();
        this.tableEvidence = new AuditedTableEvidenceStore(new FileTableEvidenceStore(data.resolve("table-evidence")), platform.events);
        this.environment = new EmbeddedWorkspaceEnvironment(data.resolve("workspaces"), extracts, this::ensureExtract,
                new BubblewrapSandboxFactory(runtime), JupyterServerSettings.defaults(runtime), platform.clock, this::spark,
                runtime.resolve("python"), this::auditStatement, tableEvidence, this::compute);
        this.kubernetesEnvironment = onKubernetes
                ? Optional.of(new KubernetesWorkspaceEnvironment(kubernetes.orElseThrow(), cluster.toSettings(), extracts, this::ensureExtract, platform.clock))
                : Optional.empty();
        Ed25519KeyPair certificateKey = platform.secrets.signingKeyPair("workspace/deletion-certificates");
        this.workspaces = new WorkspaceService(platform.database.app(), platform.policy, platform.events, platform.clock, platform.permits,
                kubernetesEnvironment.<WorkspaceEnvironment>map(k -> k).orElse(environment), document -> Base64.getEncoder().encodeToString(certificateKey.sign(document)));
        registerMetrics(platform.metrics);
        // Suspended, revoked or expired: the permit's workspaces lock at once (sessions and kernels
        // cut), not at the next housekeeping.
        platform.permits.onStateChange(permit -> {
            if (!PermitTransitions.usable(permit.state())) {
                workspaces.lockPermit(permit.id(), "permit " + permit.id() + " is " + permit.state());
            }
        });
        this.outputFiles = onKubernetes ? unroutedOutputs() : new DirectoryOutputFiles(data.resolve("workspaces"));
        this.releases = new ReleaseService(platform.database.app(), platform.policy, platform.events, platform.clock, platform.permits,
                outputFiles, signer(platform.secrets.signingKeyPair("release/packages")),
                data.resolve("packages"), ReleaseLimits.defaults(), tableEvidence);
        this.desktops = new Desktops(platform, this);
    }

    /**
     * The client of the cluster's API: at {@code workspaces.kubernetes.clientUrl} with the token read from
     * {@code clientTokenFile} at each request (rotated service-account tokens keep working) and the CA of
     * {@code clientCaFile}; without {@code clientUrl}, found as kubectl finds it (the pod's service account in the
     * cluster, else KUBECONFIG).
     */
    private static io.fabric8.kubernetes.client.KubernetesClient kubernetesClient(SpeConfig.KubernetesWorkspaces cluster) {
        if (cluster.clientUrl().isEmpty()) {
            return new io.fabric8.kubernetes.client.KubernetesClientBuilder().build();
        }
        var config = new io.fabric8.kubernetes.client.ConfigBuilder(io.fabric8.kubernetes.client.Config.empty()).withMasterUrl(cluster.clientUrl());
        if (!cluster.clientCaFile().isEmpty()) {
            config.withCaCertFile(cluster.clientCaFile());
        }
        if (!cluster.clientTokenFile().isEmpty()) {
            Path tokenFile = Path.of(cluster.clientTokenFile());
            config.withOauthTokenProvider(() -> {
                try {
                    return Files.readString(tokenFile).trim();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException("cannot read workspaces.kubernetes.clientTokenFile " + tokenFile, e);
                }
            });
        }
        return new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config.build()).build();
    }

    /** Whether workspaces run on Kubernetes ({@code workspaces.backend: kubernetes}) rather than in embedded sandboxes. */
    public boolean onKubernetes() {
        return kubernetesEnvironment.isPresent();
    }

    /**
     * The notebook gateway of a running workspace: its sandboxed Jupyter server (embedded), or its notebook pod's Jupyter
     * server through the workspace's Service (Kubernetes). Empty while the workspace's notebook server does not run.
     * Blocks for API calls on Kubernetes the first time.
     */
    public Optional<KernelGateway> gateway(String workspaceId) {
        return kubernetesEnvironment.isPresent() ? kubernetesEnvironment.get().gateway(workspaceId) : environment.gateway(workspaceId);
    }

    /**
     * The SQL endpoint of a running workspace (embedded backend only).
     *
     * @throws org.spe.core.SpeException CONFLICT on the Kubernetes backend, whose workspace SQL runs on the Spark driver in
     *     the notebook pod and is not routed through the platform yet (docs/kubernetes.md, "Status")
     */
    public Optional<WorkspaceSql> sql(String workspaceId) {
        requireEmbedded(workspaceId, "SQL through the API");
        return environment.sql(workspaceId);
    }

    /**
     * The table function of a running workspace for a request through the API by {@code authorId}
     * (recorded as the tables' author; the route audits the statement itself), embedded backend only.
     *
     * @throws org.spe.core.SpeException CONFLICT on the Kubernetes backend, whose pods have no helper socket
     */
    public Optional<org.spe.workspace.helper.ControlHandler> tableFunction(String workspaceId, String authorId) {
        requireEmbedded(workspaceId, "Checked tables through the API");
        return environment.tableFunction(workspaceId, authorId, (operation, statement) -> { });
    }

    /**
     * The folder of a workspace on this machine (embedded backend only: notebook files and outputs live there).
     *
     * @throws org.spe.core.SpeException CONFLICT on the Kubernetes backend, whose files are on the workspace's volume
     */
    public Path directory(String workspaceId) {
        requireEmbedded(workspaceId, "Notebook files through the API");
        return environment.directory(workspaceId);
    }

    /**
     * The outputs of workspaces on Kubernetes: they are on each workspace's home volume, which the platform does not
     * read yet, so listing them and release requests over them are refused, naming what is missing.
     */
    private org.spe.output.release.OutputFiles unroutedOutputs() {
        return new org.spe.output.release.OutputFiles() {
            @Override
            public List<org.spe.output.release.OutputFile> list(String workspaceId) {
                requireEmbedded(workspaceId, "Workspace outputs (file list, release requests)");
                return List.of();
            }

            @Override
            public java.io.InputStream open(String workspaceId, String relativePath) {
                requireEmbedded(workspaceId, "Workspace outputs (file list, release requests)");
                throw new IllegalStateException("unreachable: outputs are routed only on the embedded backend");
            }
        };
    }

    /**
     * Refuses what is routed only to embedded workspaces.
     *
     * @throws org.spe.core.SpeException CONFLICT on the Kubernetes backend, naming {@code what} and docs/kubernetes.md
     */
    void requireEmbedded(String workspaceId, String what) {
        if (onKubernetes()) {
            throw org.spe.core.SpeException.conflict("%s: not routed to workspaces on Kubernetes yet (workspace %s; docs/kubernetes.md, \"Status\"); "
                    + "use its notebooks", what, workspaceId);
        }
    }

    /** Starts the compute pool (when configured), reconciles workspaces left by a previous run and starts the scheduled work. */
    public Workspaces start() {
        SpeConfig.Compute compute = platform.config.compute();
        // Drivers a previous run left go before anything starts (they also exit when their platform does).
        WorkspaceApplications.reconcile(drivers());
        if (compute.workers() > 0) {
            ComputePool started = SparkStandalonePool.start(PoolSettings.of(platform.config.dataPath().resolve("run").resolve("pool"),
                    compute.workers(), compute.coresPerWorker(), compute.memoryMbPerWorker()).withHost(compute.bindAddress()));
            pool = Optional.of(started);
            this.compute = Optional.of(new EmbeddedWorkspaceEnvironment.Compute(started,
                    new WorkspaceApplications(started, drivers(), compute.spareDrivers(), compute.driverHeapMb(), DRIVER_START_TIMEOUT, Map.of()),
                    meter));
        }
        startNodePools();
        workspaces.reconcile();
        scheduler.scheduleWithFixedDelay(this::housekeeping, 1, 5, TimeUnit.MINUTES);
        scheduler.scheduleWithFixedDelay(desktops::purgeExpiredRecordings, 0, RECORDING_RETENTION_INTERVAL.toMinutes(), TimeUnit.MINUTES);
        platform.monitor.schedule(scheduler);
        return this;
    }

    /** Records the request and provisions the workspace in the background; answers the REQUESTED workspace. */
    public Workspace request(Caller caller, String permitId, String name) {
        Workspace workspace = workspaces.request(caller, permitId, name);
        provisioning.submit(() -> {
            try {
                workspaces.provision(workspace.id());
            } catch (RuntimeException e) {
                log.error("Provisioning {} failed", workspace.id(), e);
            }
        });
        return workspace;
    }

    /** Locks workspaces of permits that are no longer usable, wipes those locked past the grace, suspends idle ones. */
    public void housekeeping() {
        try {
            platform.permits.expireEnded(platform.permits.today());
            workspaces.enforcePermits(LOCK_GRACE);
            workspaces.suspendIdle(IDLE);
            environment.sampleUsage();
        } catch (RuntimeException e) {
            log.error("Workspace housekeeping failed", e);
        }
    }

    /** The platform's local Spark session (extracts, workspace SQL), started on first use. */
    private synchronized SparkSession spark() {
        if (spark == null) {
            spark = LocalSpark.acquire("spe-platform");
        }
        return spark.session();
    }

    /** Statements from a workspace's code (via spe.sql) are audited with their full text before they run. */
    private void auditStatement(Workspace workspace, String operation, String statement) {
        Caller kernel = new Caller(workspace.ownerId(), java.util.Set.of(org.spe.core.account.Role.RESEARCHER), "kernel:" + workspace.id(), "sandbox:" + workspace.id());
        platform.events.record(DomainEvent.builder(kernel, AuditActions.SQL_EXECUTE).object("workspace", workspace.id()).permit(workspace.permitId())
                .workspace(workspace.id()).detail("statement", statement).detail("via", "spe." + operation).build());
        workspaces.touch(workspace.id());
    }

    /**
     * Builds the extract of {@code permit}'s current version unless it exists; audits the build or
     * its failure. Blocks for the Spark job. The pseudonymisation keys come from the platform's
     * secret store; when that is Vault and Vault is sealed or unreachable, nothing is built.
     *
     * @throws org.spe.core.RetriableException if the secret store is unavailable
     */
    public synchronized void ensureExtract(Permit permit) {
        if (Files.isDirectory(ExtractBuilder.extractDirectory(extracts, permit.id(), permit.version()))) {
            return;
        }
        ExtractBuilder builder = new ExtractBuilder(spark(), lake, extracts, platform.catalog.datasets(),
                List.copyOf(platform.catalog.linkageRules()),
                (permitId, group) -> platform.secrets.secret("permit-keys/" + permitId + "/" + group.replace('+', '.'), 32), platform.clock);
        var optedOut = new HashSet<>(platform.optOuts.personIdsAsOf(platform.clock.instant()));
        DomainEvent.Builder event = DomainEvent.builder(Caller.system(), AuditActions.DATA_EXTRACT).object("extract", permit.id() + "-v" + permit.version())
                .permit(permit.id());
        try {
            ExtractResult result = builder.build(permit, optedOut);
            long rows = result.datasets().stream().mapToLong(d -> d.rows()).sum();
            platform.events.record(event.detail("permitVersion", permit.version()).detail("rows", rows)
                    .detail("datasets", result.datasets().stream().map(d -> d.datasetId() + ":" + d.columns().size() + " columns:" + d.rows() + " rows").toList())
                    .detail("optedOutExcluded", result.optedOutPersonsExcluded()).detail("contentHash", result.contentHash())
                    .detail("lakeSnapshot", result.lakeSnapshotId()).build());
        } catch (RuntimeException e) {
            platform.events.record(event.failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()).build());
            throw e;
        }
    }

    private static PackageSigner signer(Ed25519KeyPair key) {
        // X.509 SubjectPublicKeyInfo for Ed25519: a fixed 12-byte prefix (RFC 8410) before the raw key.
        byte[] prefix = HexFormat.of().parseHex("302a300506032b6570032100");
        byte[] raw = key.publicKey();
        byte[] der = new byte[prefix.length + raw.length];
        System.arraycopy(prefix, 0, der, 0, prefix.length);
        System.arraycopy(raw, 0, der, prefix.length, raw.length);
        return new PackageSigner() {
            @Override
            public byte[] sign(byte[] data) {
                return key.sign(data);
            }

            @Override
            public byte[] publicKey() {
                return der.clone();
            }

            @Override
            public String algorithm() {
                return "Ed25519";
            }
        };
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private Path drivers() {
        return platform.config.dataPath().resolve("run").resolve("drivers");
    }

    private Optional<EmbeddedWorkspaceEnvironment.Compute> compute() {
        return compute;
    }

    /** The latency of SQL queries through the API ({@code spe_sql_queries_seconds}). */
    public io.micrometer.core.instrument.Timer queryTimer() {
        return queryTimer;
    }

    /**
     * {@code spe_workspaces{state}} (workspaces by state, counted from the database at each scrape),
     * {@code spe_pool_cores_used} and {@code spe_pool_cores_free} (from the pool's master; absent
     * without a pool), {@code spe_pool_spare_drivers}, {@code spe_workspaces_provisioning_queue} (the
     * queue) and {@code spe_sql_queries_seconds}.
     */
    private void registerMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        for (org.spe.workspace.lifecycle.WorkspaceState state : org.spe.workspace.lifecycle.WorkspaceState.values()) {
            io.micrometer.core.instrument.Gauge.builder("spe.workspaces", this, self -> self.countInState(state))
                    .tag("state", state.name()).description("Workspaces by lifecycle state").register(registry);
        }
        io.micrometer.core.instrument.Gauge.builder("spe.pool.cores.used", this, self -> self.poolCores(true))
                .description("Cores held by executors in the compute pool").register(registry);
        io.micrometer.core.instrument.Gauge.builder("spe.pool.cores.free", this, self -> self.poolCores(false))
                .description("Cores free in the compute pool").register(registry);
        io.micrometer.core.instrument.Gauge.builder("spe.pool.spare.drivers", this,
                        self -> self.applications().map(WorkspaceApplications::sparesWaiting).orElse(0))
                .description("Started workspace drivers waiting to be bound").register(registry);
        io.micrometer.core.instrument.Gauge.builder("spe.workspaces.provisioning.queue", this,
                        self -> ((java.util.concurrent.ThreadPoolExecutor) self.provisioning).getQueue().size())
                .description("Workspaces waiting for a provisioning thread").register(registry);
        queryTimer = io.micrometer.core.instrument.Timer.builder("spe.sql.queries").description("SQL queries through the API")
                .publishPercentiles(0.5, 0.95).register(registry);
    }

    private double countInState(org.spe.workspace.lifecycle.WorkspaceState state) {
        try {
            return workspaces.all().stream().filter(w -> w.state() == state).count();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double poolCores(boolean used) {
        try {
            return pool.map(p -> {
                var status = p.status();
                return (double) (used ? status.usedCores() : status.freeCores());
            }).orElse(Double.NaN);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Reads the running workspaces' Spark accounting into the meter. Blocking; never throws for one workspace. */
    public void sampleUsage() {
        environment.sampleUsage();
    }

    /**
     * A permit's usage now: metered compute of its workspaces, the bytes in their folders and in the
     * permit's extracts, and the fee estimate from {@code fees.*}. Blocking (walks the folders).
     */
    public PermitUsage usage(Permit permit) {
        List<WorkspaceUsage> perWorkspace = new java.util.ArrayList<>();
        double cpu = 0;
        double gpu = 0;
        long storage = 0;
        for (Workspace workspace : workspaces.byPermit(permit.id())) {
            UsageMeter.WorkspaceTotals totals = meter.workspace(workspace.id())
                    .orElse(new UsageMeter.WorkspaceTotals(permit.id(), 0, 0, 0));
            long bytes = sizeOf(environment.directory(workspace.id()));
            perWorkspace.add(new WorkspaceUsage(workspace.id(), workspace.state().name(), totals.cpuSeconds(), totals.taskSeconds(),
                    totals.gpuSeconds(), bytes));
            cpu += totals.cpuSeconds();
            gpu += totals.gpuSeconds();
            storage += bytes;
        }
        Path permitExtracts = extracts.resolve(permit.id());
        int built = 0;
        if (Files.isDirectory(permitExtracts)) {
            try (var versions = Files.list(permitExtracts)) {
                built = (int) versions.filter(Files::isDirectory).count();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        long extractBytes = sizeOf(permitExtracts);
        return new PermitUsage(permit.id(), cpu, gpu, storage, extractBytes, built, permit.quota().cpuHours(), permit.quota().gpuHours(),
                perWorkspace, fees.estimate(permit, built, extractBytes, cpu, gpu));
    }

    private static long sizeOf(Path directory) {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (var walk = Files.walk(directory)) {
            return walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (java.io.IOException e) {
                    return 0;
                }
            }).sum();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /** The workspaces' Spark applications on the pool, if a pool runs. */
    public Optional<WorkspaceApplications> applications() {
        return compute.map(EmbeddedWorkspaceEnvironment.Compute::applications);
    }

    /**
     * The cluster's CPU and GPU node pools as pools {@code cpu} and {@code gpu}, when {@code workspaces.kubernetes.cpuPool} or
     * {@code gpuPool} names a Cluster API MachineDeployment; the client finds the cluster as kubectl does (in-cluster service
     * account, or KUBECONFIG).
     */
    private void startNodePools() {
        SpeConfig.KubernetesWorkspaces settings = platform.config.workspaces().kubernetes();
        if (settings.cpuPool().isEmpty() && settings.gpuPool().isEmpty()) {
            return;
        }
        io.fabric8.kubernetes.client.KubernetesClient kubernetes = this.kubernetes.orElseThrow();
        List<ComputePool> pools = new java.util.ArrayList<>();
        Duration timeout = Duration.ofSeconds(settings.startTimeoutSeconds());
        if (!settings.cpuPool().isEmpty()) {
            pools.add(new org.spe.workspace.kubernetes.KubernetesComputePool(kubernetes, "cpu",
                    org.spe.workspace.kubernetes.MachineDeploymentScaler.of(kubernetes, settings.cpuPool()), timeout, platform.clock));
        }
        if (!settings.gpuPool().isEmpty()) {
            pools.add(new org.spe.workspace.kubernetes.KubernetesComputePool(kubernetes, "gpu",
                    org.spe.workspace.kubernetes.MachineDeploymentScaler.of(kubernetes, settings.gpuPool()), timeout, platform.clock));
        }
        nodePools = List.copyOf(pools);
    }

    /** Every running pool: the embedded one (if started), then the Kubernetes node pools (if configured). */
    public List<ComputePool> pools() {
        List<ComputePool> all = new java.util.ArrayList<>();
        pool.ifPresent(all::add);
        all.addAll(nodePools);
        return List.copyOf(all);
    }

    /** The running compute pool, if one was started. */
    public Optional<ComputePool> pool() {
        return pool;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        provisioning.shutdownNow();
        desktops.close();
        environment.stopAll();
        compute.ifPresent(c -> c.applications().close());
        pool.ifPresent(ComputePool::close);
        kubernetesEnvironment.ifPresent(KubernetesWorkspaceEnvironment::closeGateways);
        kubernetes.ifPresent(io.fabric8.kubernetes.client.KubernetesClient::close);
        synchronized (this) {
            if (spark != null) {
                spark.close();
            }
        }
    }
}
