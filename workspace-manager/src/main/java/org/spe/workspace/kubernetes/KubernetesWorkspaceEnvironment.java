package org.spe.workspace.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.RetriableException;
import org.spe.core.permit.Permit;
import org.spe.workspace.data.ExtractBuilder;
import org.spe.workspace.kernel.HttpKernelGateway;
import org.spe.workspace.kernel.KernelClientConfig;
import org.spe.workspace.kernel.KernelGateway;
import org.spe.workspace.lifecycle.DeletionCertificate;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.lifecycle.WorkspaceEnvironment;

/**
 * Workspaces on a Kubernetes cluster: a namespace per workspace holding its ResourceQuota,
 * LimitRange, deny-by-default NetworkPolicy, service account and role for its Spark driver, home
 * volume, read-only extract volume, Spark settings and Jupyter token ({@link WorkspaceObjects});
 * starting runs the notebook pod, whose Spark driver asks for executor pods in the same namespace, and waits until it
 * is ready.
 *
 * <p>Stopping (suspend, lock) first sets the namespace's pod quota to zero, so nothing can start a
 * pod again, then deletes every pod in the namespace with a grace period of zero: kernels and
 * executors end at once. Wiping deletes every object of the workspace and its namespace; the
 * deletion certificate lists each deleted object with the SHA-256 of its manifest at deletion
 * (volume contents are destroyed by the storage class's Delete reclaim policy, outside the
 * platform's sight).
 *
 * <p>Every method is idempotent (objects are created or updated; missing ones are skipped) and
 * blocks for the API calls it makes. Thread-safe: the client is.
 */
public final class KubernetesWorkspaceEnvironment implements WorkspaceEnvironment {
    private static final Logger log = LoggerFactory.getLogger(KubernetesWorkspaceEnvironment.class);

    private final KubernetesClient client;
    private final KubernetesSettings settings;
    private final Path extractsRoot;
    private final Consumer<Permit> extracts;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Clients of the running workspaces' Jupyter servers, made on first use and dropped when the workspace stops. */
    private final ConcurrentMap<String, KernelGateway> gateways = new ConcurrentHashMap<>();

    /**
     * @param client a client with rights to manage namespaces, their objects and PersistentVolumes
     * @param extractsRoot the platform's {@code extracts/} folder, which is {@link KubernetesSettings#extractNfsPath()} on the shared filesystem
     * @param extracts makes sure a permit version's extract exists, building it if not (the platform audits builds)
     */
    public KubernetesWorkspaceEnvironment(KubernetesClient client, KubernetesSettings settings, Path extractsRoot, Consumer<Permit> extracts, Clock clock) {
        this.client = requireNonNull(client, "client is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.extractsRoot = requireNonNull(extractsRoot, "extractsRoot is null");
        this.extracts = requireNonNull(extracts, "extracts is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** The namespace of a workspace. */
    public String namespace(String workspaceId) {
        return settings.namespace(workspaceId);
    }

    /** The extract folder of a permit version on the shared filesystem. */
    public String extractPath(Permit permit) {
        Path relative = extractsRoot.relativize(ExtractBuilder.extractDirectory(extractsRoot, permit.id(), permit.version()));
        return settings.extractNfsPath().replaceAll("/+$", "") + "/" + relative.toString().replace('\\', '/');
    }

    @Override
    public void prepare(Workspace workspace, Permit permit) {
        extracts.accept(permit);
        WorkspaceObjects objects = new WorkspaceObjects(settings, workspace, permit);
        call("prepare", workspace, () -> {
            apply(objects.namespaceObject());
            apply(objects.resourceQuota(0));
            apply(objects.limitRange());
            apply(objects.networkPolicy());
            apply(objects.serviceAccount());
            apply(objects.role());
            apply(objects.roleBinding());
            createIfAbsent(objects.notebookService()); // its cluster IP is the API server's to allocate, and immutable
            createIfAbsent(objects.homeClaim());
            if (client.secrets().inNamespace(objects.namespace()).withName(WorkspaceObjects.JUPYTER_TOKEN).get() == null) {
                byte[] token = new byte[32];
                random.nextBytes(token);
                client.resource(objects.jupyterToken(HexFormat.of().formatHex(token))).create();
            }
            return null;
        });
        log.info("Workspace {} prepared in namespace {}", workspace.id(), objects.namespace());
    }

    @Override
    public void start(Workspace workspace, Permit permit) {
        if (running(workspace)) {
            return;
        }
        extracts.accept(permit);
        WorkspaceObjects objects = new WorkspaceObjects(settings, workspace, permit);
        call("start", workspace, () -> {
            // The permit may have a new version since the workspace last ran: claim that version's extract, release older ones.
            createIfAbsent(objects.extractVolume(extractPath(permit)));
            createIfAbsent(objects.extractClaim());
            for (PersistentVolumeClaim claim : client.persistentVolumeClaims().inNamespace(objects.namespace()).list().getItems()) {
                String name = claim.getMetadata().getName();
                if (name.startsWith("extract-v") && !name.equals(objects.extractClaimName())) {
                    client.resource(claim).delete();
                    client.persistentVolumes().withName(objects.namespace() + "-" + name).delete();
                }
            }
            apply(objects.sparkConfig());
            apply(objects.limitRange());
            apply(objects.resourceQuota());
            Pod old = client.pods().inNamespace(objects.namespace()).withName(KubernetesSparkConfig.DRIVER_POD).get();
            if (old != null) {
                client.resource(old).withGracePeriod(0).delete();
            }
            client.resource(objects.notebookPod()).create();
            return null;
        });
        awaitReady(workspace, objects.namespace());
        log.info("Workspace {} started in namespace {}", workspace.id(), objects.namespace());
    }

    /**
     * Waits until the notebook pod is ready (its Jupyter server answers), as the embedded environment waits for its
     * sandboxed server, so READY means usable. A pod that fails, or is not ready within the start timeout (no node
     * has room, the image cannot be pulled), is an error that says what Kubernetes last reported.
     */
    private void awaitReady(Workspace workspace, String namespace) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        String last = "the pod was not scheduled yet";
        while (true) {
            Pod pod = call("start", workspace, () -> client.pods().inNamespace(namespace).withName(KubernetesSparkConfig.DRIVER_POD).get());
            if (pod != null && pod.getStatus() != null) {
                if ("Failed".equals(pod.getStatus().getPhase())) {
                    throw new RetriableException("The notebook pod of workspace " + workspace.id() + " failed: " + describe(pod));
                }
                if (ready(pod)) {
                    return;
                }
                last = describe(pod);
            }
            if (System.nanoTime() > deadline) {
                throw new RetriableException(String.format("The notebook pod of workspace %s is not ready after %d s: %s", workspace.id(),
                        settings.startTimeout().toSeconds(), last));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("Interrupted while workspace " + workspace.id() + " was starting");
            }
        }
    }

    /** The pod's phase and its conditions that are not true, with their reasons (for example Unschedulable). */
    private static String describe(Pod pod) {
        StringBuilder text = new StringBuilder("phase ").append(pod.getStatus().getPhase() == null ? "unknown" : pod.getStatus().getPhase());
        if (pod.getStatus().getConditions() != null) {
            pod.getStatus().getConditions().stream().filter(c -> !"True".equals(c.getStatus()))
                    .forEach(c -> text.append("; ").append(c.getType()).append(": ").append(c.getReason() == null ? "" : c.getReason())
                            .append(c.getMessage() == null ? "" : " " + c.getMessage()));
        }
        return text.toString();
    }

    @Override
    public void stop(Workspace workspace) {
        String namespace = namespace(workspace.id());
        forgetGateway(workspace.id());
        call("stop", workspace, () -> {
            if (client.namespaces().withName(namespace).get() == null) {
                return null;
            }
            // First close the door (no new pods admitted), then remove every pod at once.
            var quota = client.resourceQuotas().inNamespace(namespace).withName(WorkspaceObjects.QUOTA);
            if (quota.get() != null) {
                quota.edit(q -> {
                    q.getSpec().getHard().put("pods", new Quantity("0"));
                    return q;
                });
            }
            for (Pod pod : client.pods().inNamespace(namespace).list().getItems()) {
                client.resource(pod).withGracePeriod(0).delete();
            }
            return null;
        });
        // Again: a kernel request during the stop may have made a client while the pod still looked ready.
        forgetGateway(workspace.id());
        log.info("Workspace {} stopped: pods of namespace {} deleted", workspace.id(), namespace);
    }

    @Override
    public boolean running(Workspace workspace) {
        String namespace = namespace(workspace.id());
        return call("read", workspace, () -> client.pods().inNamespace(namespace).list().getItems().stream().anyMatch(KubernetesWorkspaceEnvironment::alive));
    }

    private static boolean alive(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    /**
     * The Kernel Gateway client of a running workspace's Jupyter server, reached through the workspace's notebook Service
     * at {@code http://<cluster IP>:8888/} with the workspace's token; empty while the notebook pod is not ready or the
     * Service has no cluster IP yet. The client is made on first use (also after a platform restart) and dropped when
     * the workspace stops. Blocks for up to three API calls on first use.
     */
    public Optional<KernelGateway> gateway(String workspaceId) {
        KernelGateway known = gateways.get(workspaceId);
        if (known != null) {
            return Optional.of(known);
        }
        String namespace = namespace(workspaceId);
        try {
            Pod pod = client.pods().inNamespace(namespace).withName(KubernetesSparkConfig.DRIVER_POD).get();
            if (pod == null || !alive(pod) || !ready(pod)) {
                return Optional.empty();
            }
            var service = client.services().inNamespace(namespace).withName(WorkspaceObjects.NOTEBOOK_SERVICE).get();
            String clusterIp = service == null || service.getSpec() == null ? null : service.getSpec().getClusterIP();
            Optional<String> token = jupyterToken(workspaceId);
            if (clusterIp == null || clusterIp.isEmpty() || "None".equals(clusterIp) || token.isEmpty()) {
                return Optional.empty();
            }
            String host = clusterIp.contains(":") ? "[" + clusterIp + "]" : clusterIp;
            KernelGateway gateway = new HttpKernelGateway(java.net.URI.create("http://" + host + ":" + WorkspaceObjects.JUPYTER_PORT + "/"),
                    token.get(), KernelClientConfig.defaults());
            KernelGateway raced = gateways.putIfAbsent(workspaceId, gateway);
            return Optional.of(raced == null ? gateway : raced);
        } catch (KubernetesClientException e) {
            throw new RetriableException("Kubernetes refused to read the notebook of workspace " + workspaceId + ": "
                    + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()), e);
        }
    }

    /** Closes every Kernel Gateway client this environment made (when the platform stops). */
    public void closeGateways() {
        for (String workspaceId : List.copyOf(gateways.keySet())) {
            forgetGateway(workspaceId);
        }
    }

    private void forgetGateway(String workspaceId) {
        KernelGateway gateway = gateways.remove(workspaceId);
        if (gateway != null) {
            gateway.close();
        }
    }

    private static boolean ready(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The token the platform presents to the workspace's Jupyter server, once prepared. */
    public Optional<String> jupyterToken(String workspaceId) {
        Secret secret = client.secrets().inNamespace(namespace(workspaceId)).withName(WorkspaceObjects.JUPYTER_TOKEN).get();
        return Optional.ofNullable(secret).map(s -> new String(Base64.getDecoder().decode(s.getData().get("token")), StandardCharsets.UTF_8));
    }

    @Override
    public DeletionCertificate wipe(Workspace workspace) {
        String namespace = namespace(workspace.id());
        forgetGateway(workspace.id());
        List<DeletionCertificate.WipedFile> wiped = new ArrayList<>();
        long[] total = {0};
        call("wipe", workspace, () -> {
            List<HasMetadata> objects = new ArrayList<>();
            objects.addAll(client.pods().inNamespace(namespace).list().getItems());
            objects.addAll(client.persistentVolumeClaims().inNamespace(namespace).list().getItems());
            objects.addAll(client.persistentVolumes().withLabel(WorkspaceObjects.WORKSPACE_LABEL, WorkspaceObjects.labelValue(workspace.id())).list().getItems());
            objects.addAll(client.configMaps().inNamespace(namespace).withLabel(WorkspaceObjects.WORKSPACE_LABEL).list().getItems());
            objects.addAll(client.secrets().inNamespace(namespace).withLabel(WorkspaceObjects.WORKSPACE_LABEL).list().getItems());
            objects.addAll(client.services().inNamespace(namespace).withLabel(WorkspaceObjects.WORKSPACE_LABEL).list().getItems());
            objects.addAll(client.network().v1().networkPolicies().inNamespace(namespace).list().getItems());
            objects.addAll(client.rbac().roleBindings().inNamespace(namespace).list().getItems());
            objects.addAll(client.rbac().roles().inNamespace(namespace).list().getItems());
            objects.addAll(client.serviceAccounts().inNamespace(namespace).withLabel(WorkspaceObjects.WORKSPACE_LABEL).list().getItems());
            objects.addAll(client.limitRanges().inNamespace(namespace).list().getItems());
            objects.addAll(client.resourceQuotas().inNamespace(namespace).list().getItems());
            var ns = client.namespaces().withName(namespace).get();
            if (ns != null) {
                objects.add(ns);
            }
            for (HasMetadata object : objects) {
                long bytes = object instanceof PersistentVolumeClaim claim ? storageBytes(claim) : 0;
                String path = object.getKind() + "/" + (object.getMetadata().getNamespace() == null ? "" : object.getMetadata().getNamespace() + "/")
                        + object.getMetadata().getName();
                wiped.add(new DeletionCertificate.WipedFile(path, bytes, sha256(Serialization.asJson(object))));
                total[0] += bytes;
                if (object instanceof Pod) {
                    client.resource(object).withGracePeriod(0).delete();
                } else {
                    client.resource(object).delete();
                }
            }
            return null;
        });
        log.info("Workspace {} wiped: {} objects of namespace {} deleted", workspace.id(), wiped.size(), namespace);
        return new DeletionCertificate(workspace.id(), workspace.permitId(), clock.instant(), wiped, total[0]);
    }

    private static long storageBytes(PersistentVolumeClaim claim) {
        Map<String, Quantity> requests = claim.getSpec() == null || claim.getSpec().getResources() == null ? null : claim.getSpec().getResources().getRequests();
        Quantity storage = requests == null ? null : requests.get("storage");
        return storage == null ? 0 : Quantity.getAmountInBytes(storage).longValueExact();
    }

    private void apply(HasMetadata object) {
        client.resource(object).unlock().createOr(NonDeletingOperation::update);
    }

    private void createIfAbsent(HasMetadata object) {
        // Claims and volumes are immutable once bound: create them once, never update.
        if (client.resource(object).get() == null) {
            client.resource(object).create();
        }
    }

    private interface ApiCall<T> {
        T run();
    }

    /** Runs API calls, turning the client's failures into a retriable platform error that names the workspace and the step. */
    private static <T> T call(String step, Workspace workspace, ApiCall<T> calls) {
        try {
            return calls.run();
        } catch (KubernetesClientException e) {
            throw new RetriableException(
                    "Kubernetes refused to " + step + " workspace " + workspace.id() + ": " + (e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage()), e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
