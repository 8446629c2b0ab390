package org.spe.workspace.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.CapabilitiesBuilder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.Permit;
import org.spe.workspace.lifecycle.Workspace;

/**
 * The Kubernetes objects of one workspace, built from its permit and the cluster settings. Pure:
 * nothing here talks to a cluster, so every field can be checked by a test.
 *
 * <p>Every pod (the notebook pod and the Spark executors made from the template) runs as a
 * non-root user with a read-only root filesystem, no privilege escalation, every capability
 * dropped and the runtime's default seccomp profile; the namespace enforces the {@code
 * restricted} Pod Security Standard, so no other pod is admitted either. The extract is a
 * read-only NFS volume claimed through a PersistentVolume that names the permit version's extract
 * folder. Thread-safe.
 */
public final class WorkspaceObjects {
    /** Label on every object the platform makes for a workspace: the workspace id. */
    public static final String WORKSPACE_LABEL = "spe.org/workspace";
    /** Label with the permit id. */
    public static final String PERMIT_LABEL = "spe.org/permit";
    /** The label selecting the platform's server pods in the platform namespace. */
    public static final Map<String, String> PLATFORM_POD_LABELS = Map.of("app.kubernetes.io/name", "spe-server");
    /** The label selecting the platform's guacd pods (remote desktops) in the platform namespace. */
    public static final Map<String, String> GUACD_POD_LABELS = Map.of("app.kubernetes.io/name", "guacd");
    /** The VNC port of a workspace desktop, reached only by guacd. */
    public static final int VNC_PORT = 5900;
    /** The Jupyter server's port in the notebook pod. */
    public static final int JUPYTER_PORT = 8888;
    /** The uid and gid workspace processes run as (the image's {@code researcher} user). */
    public static final long USER_ID = 1000;
    /** The nominal size of the extract's claim; the extract's real size lives on the shared filesystem. */
    public static final String EXTRACT_CLAIM_SIZE = "1Mi";

    public static final String QUOTA = "workspace-quota";
    public static final String LIMITS = "workspace-limits";
    public static final String NETWORK_POLICY = "workspace-isolation";
    public static final String ROLE = "spark-executors";
    public static final String HOME_CLAIM = "home";
    public static final String SPARK_CONFIG = "spark-defaults";
    public static final String JUPYTER_TOKEN = "jupyter-token";
    /** The ClusterIP Service in front of the notebook pod's Jupyter server, through which the platform reaches it. */
    public static final String NOTEBOOK_SERVICE = "notebook";
    /** Label telling the notebook pod from executor pods (which carry the same workspace labels). */
    public static final String COMPONENT_LABEL = "spe.org/component";

    private final KubernetesSettings settings;
    private final Workspace workspace;
    private final Permit permit;
    private final String namespace;

    public WorkspaceObjects(KubernetesSettings settings, Workspace workspace, Permit permit) {
        this.settings = requireNonNull(settings, "settings is null");
        this.workspace = requireNonNull(workspace, "workspace is null");
        this.permit = requireNonNull(permit, "permit is null");
        if (!workspace.permitId().equals(permit.id())) {
            throw new IllegalArgumentException("Workspace " + workspace.id() + " belongs to permit " + workspace.permitId() + ", not " + permit.id());
        }
        this.namespace = settings.namespace(workspace.id());
    }

    public String namespace() {
        return namespace;
    }

    /** The labels every object of the workspace carries. */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/managed-by", "spe");
        labels.put(WORKSPACE_LABEL, labelValue(workspace.id()));
        labels.put(PERMIT_LABEL, labelValue(permit.id()));
        return labels;
    }

    private ObjectMeta meta(String name) {
        return new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels()).build();
    }

    public Namespace namespaceObject() {
        Map<String, String> labels = labels();
        labels.put("pod-security.kubernetes.io/enforce", "restricted");
        labels.put("pod-security.kubernetes.io/enforce-version", "latest");
        return new NamespaceBuilder().withNewMetadata().withName(namespace).withLabels(labels).endMetadata().build();
    }

    /**
     * The permit's quota plus the notebook pod; one Service (the notebook's ClusterIP Service), no load balancers or node
     * ports; pods for the notebook and each executor.
     */
    public ResourceQuota resourceQuota() {
        return resourceQuota(KubernetesSparkConfig.executors(permit.quota()) + 1);
    }

    /** The same quota admitting at most {@code pods} pods (0 while the workspace is stopped or locked). */
    public ResourceQuota resourceQuota(int pods) {
        ComputeQuota quota = permit.quota();
        String cpu = Integer.toString(quota.cores() + settings.notebookCores());
        String memory = (quota.memoryGb() * 1024L + settings.notebookMemoryMb()) + "Mi";
        Map<String, Quantity> hard = new LinkedHashMap<>();
        hard.put("requests.cpu", new Quantity(cpu));
        hard.put("limits.cpu", new Quantity(cpu));
        hard.put("requests.memory", new Quantity(memory));
        hard.put("limits.memory", new Quantity(memory));
        hard.put("requests.nvidia.com/gpu", new Quantity(Integer.toString(quota.gpus())));
        hard.put("requests.storage", new Quantity((quota.storageGb() * 1024L + 1) + "Mi"));
        hard.put("persistentvolumeclaims", new Quantity("3"));
        hard.put("pods", new Quantity(Integer.toString(pods)));
        hard.put("services", new Quantity("1"));
        hard.put("services.loadbalancers", new Quantity("0"));
        hard.put("services.nodeports", new Quantity("0"));
        return new ResourceQuotaBuilder().withMetadata(meta(QUOTA)).withNewSpec().withHard(hard).endSpec().build();
    }

    /** Defaults for containers that name no resources, and per-container and per-claim maxima within the quota. */
    public LimitRange limitRange() {
        ComputeQuota quota = permit.quota();
        int maxCores = Math.max(quota.cores(), settings.notebookCores());
        long maxMemoryMb = Math.max(quota.memoryGb() * 1024L, settings.notebookMemoryMb());
        return new LimitRangeBuilder().withMetadata(meta(LIMITS)).withNewSpec()
                .addNewLimit().withType("Container")
                .withDefault(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")))
                .withDefaultRequest(Map.of("cpu", new Quantity("1"), "memory", new Quantity("1Gi")))
                .withMax(Map.of("cpu", new Quantity(Integer.toString(maxCores)), "memory", new Quantity(maxMemoryMb + "Mi")))
                .endLimit()
                .addNewLimit().withType("PersistentVolumeClaim")
                .withMax(Map.of("storage", new Quantity(Math.max(1, quota.storageGb()) + "Gi")))
                .endLimit()
                .endSpec().build();
    }

    /**
     * Deny by default in both directions. In: from the workspace's own pods, the platform's server pods (Jupyter) and
     * the platform's guacd pods (the desktop's VNC port). Out: to
     * the workspace's own pods (driver and executors), the platform's server on its port, and the API server (for
     * executor pods). No DNS: a resolver forwarding outside names would be a way out.
     */
    public NetworkPolicy networkPolicy() {
        NetworkPolicyPeer sameNamespace = new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build();
        NetworkPolicyPeer platform = new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector().withMatchLabels(Map.of("kubernetes.io/metadata.name", settings.platformNamespace())).endNamespaceSelector()
                .withNewPodSelector().withMatchLabels(PLATFORM_POD_LABELS).endPodSelector().build();
        NetworkPolicyPeer guacd = new NetworkPolicyPeerBuilder()
                .withNewNamespaceSelector().withMatchLabels(Map.of("kubernetes.io/metadata.name", settings.platformNamespace())).endNamespaceSelector()
                .withNewPodSelector().withMatchLabels(GUACD_POD_LABELS).endPodSelector().build();
        NetworkPolicyPeer apiServer = new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(settings.apiServerCidr()).endIpBlock().build();
        return new NetworkPolicyBuilder().withMetadata(meta(NETWORK_POLICY)).withNewSpec()
                .withNewPodSelector().endPodSelector()
                .withPolicyTypes("Ingress", "Egress")
                .addNewIngress().withFrom(sameNamespace).endIngress()
                .addNewIngress().withFrom(platform).addNewPort().withProtocol("TCP").withNewPort(JUPYTER_PORT).endPort().endIngress()
                .addNewIngress().withFrom(guacd).addNewPort().withProtocol("TCP").withNewPort(VNC_PORT).endPort().endIngress()
                .addNewEgress().withTo(sameNamespace).endEgress()
                .addNewEgress().withTo(platform).addNewPort().withProtocol("TCP").withNewPort(settings.platformPort()).endPort().endEgress()
                .addNewEgress().withTo(apiServer).addNewPort().withProtocol("TCP").withNewPort(443).endPort().endEgress()
                .endSpec().build();
    }

    /**
     * The ClusterIP Service of the notebook pod's Jupyter server (port {@value #JUPYTER_PORT}), selecting the notebook pod
     * only; the platform's server pods reach it by its cluster IP (the NetworkPolicy admits them on that port), so no DNS
     * is needed. Neither a node port nor a load balancer: nothing outside the cluster reaches it.
     */
    public Service notebookService() {
        return new ServiceBuilder().withMetadata(meta(NOTEBOOK_SERVICE)).withNewSpec()
                .withType("ClusterIP")
                .withSelector(notebookSelector())
                .addNewPort().withName("jupyter").withProtocol("TCP").withPort(JUPYTER_PORT).withNewTargetPort(JUPYTER_PORT).endPort()
                .endSpec().build();
    }

    /** The labels that pick the notebook pod out of the workspace's pods. */
    public Map<String, String> notebookSelector() {
        return Map.of(WORKSPACE_LABEL, labelValue(workspace.id()), COMPONENT_LABEL, "notebook");
    }

    public ServiceAccount serviceAccount() {
        return new ServiceAccountBuilder().withMetadata(meta(KubernetesSparkConfig.SERVICE_ACCOUNT)).build();
    }

    /** What the Spark driver needs for executors, in this namespace only. */
    public Role role() {
        return new RoleBuilder().withMetadata(meta(ROLE))
                .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("pods")
                        .withVerbs("create", "get", "list", "watch", "delete", "deletecollection", "patch").build())
                .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                        .withVerbs("create", "get", "list", "watch", "delete", "deletecollection").build())
                .addToRules(new PolicyRuleBuilder().withApiGroups("").withResources("persistentvolumeclaims")
                        .withVerbs("get", "list", "watch").build())
                .build();
    }

    public RoleBinding roleBinding() {
        return new RoleBindingBuilder().withMetadata(meta(ROLE))
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("Role").withName(ROLE).endRoleRef()
                .addNewSubject().withKind("ServiceAccount").withName(KubernetesSparkConfig.SERVICE_ACCOUNT).withNamespace(namespace).endSubject()
                .build();
    }

    /** The token the platform presents to the workspace's Jupyter server. */
    public Secret jupyterToken(String token) {
        return new SecretBuilder().withMetadata(meta(JUPYTER_TOKEN)).withType("Opaque")
                .withData(Map.of("token", Base64.getEncoder().encodeToString(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build();
    }

    /** The name of the (cluster-wide) volume of this workspace's extract of the permit's current version. */
    public String extractVolumeName() {
        return namespace + "-extract-v" + permit.version();
    }

    public String extractClaimName() {
        return "extract-v" + permit.version();
    }

    /**
     * A read-only NFS volume on the permit version's extract folder, bound to this workspace's claim only; kept
     * (Retain) when released, because the extract is shared by the permit's workspaces.
     *
     * @param extractPath the extract folder's path on the shared filesystem
     */
    public PersistentVolume extractVolume(String extractPath) {
        requireNonNull(extractPath, "extractPath is null");
        return new PersistentVolumeBuilder().withNewMetadata().withName(extractVolumeName()).withLabels(labels()).endMetadata()
                .withNewSpec()
                .withCapacity(Map.of("storage", new Quantity(EXTRACT_CLAIM_SIZE)))
                .withAccessModes("ReadOnlyMany")
                .withPersistentVolumeReclaimPolicy("Retain")
                .withStorageClassName("")
                .withMountOptions("ro", "nosuid", "nodev", "noexec")
                .withNewNfs().withServer(settings.extractNfsServer()).withPath(extractPath).withReadOnly(true).endNfs()
                .withNewClaimRef().withNamespace(namespace).withName(extractClaimName()).endClaimRef()
                .endSpec().build();
    }

    public PersistentVolumeClaim extractClaim() {
        return new PersistentVolumeClaimBuilder().withMetadata(meta(extractClaimName())).withNewSpec()
                .withAccessModes("ReadOnlyMany")
                .withStorageClassName("")
                .withVolumeName(extractVolumeName())
                .withNewResources().withRequests(Map.of("storage", new Quantity(EXTRACT_CLAIM_SIZE))).endResources()
                .endSpec().build();
    }

    /** The workspace's home and outputs, sized by the permit's storage quota. */
    public PersistentVolumeClaim homeClaim() {
        var spec = new PersistentVolumeClaimBuilder().withMetadata(meta(HOME_CLAIM)).withNewSpec()
                .withAccessModes("ReadWriteOnce")
                .withNewResources().withRequests(Map.of("storage", new Quantity(Math.max(1, permit.quota().storageGb()) + "Gi"))).endResources();
        settings.storageClass().ifPresent(spec::withStorageClassName);
        return spec.endSpec().build();
    }

    /** {@code spark-defaults.conf} and the executor pod template, mounted read-only into the notebook pod. */
    public ConfigMap sparkConfig() {
        Map<String, String> conf = KubernetesSparkConfig.forQuota(permit.quota(), settings, namespace, workspace.id());
        Map<String, String> data = new LinkedHashMap<>();
        data.put("spark-defaults.conf", KubernetesSparkConfig.defaultsFile(conf));
        data.put(KubernetesSparkConfig.EXECUTOR_TEMPLATE, Serialization.asYaml(executorTemplate()));
        return new ConfigMapBuilder().withMetadata(meta(SPARK_CONFIG)).withData(data).build();
    }

    /** The template Spark makes executor pods from: the same hardening, the extract read-only, GPU nodes when the permit has GPUs. */
    public Pod executorTemplate() {
        boolean gpu = permit.quota().gpus() > 0;
        Container executor = new ContainerBuilder().withName("spark-executor").withImage(settings.image())
                .withSecurityContext(containerSecurity())
                .withVolumeMounts(extractMount(), mount("tmp", "/tmp", false))
                .build();
        List<Toleration> tolerations = gpu
                ? List.of(new TolerationBuilder().withKey("nvidia.com/gpu").withOperator("Exists").withEffect("NoSchedule").build())
                : List.of();
        return new PodBuilder().withNewMetadata().withLabels(labels()).endMetadata().withNewSpec()
                .withSecurityContext(podSecurity())
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withNodeSelector(Map.of(KubernetesSparkConfig.POOL_LABEL, gpu ? "gpu" : "cpu"))
                .withTolerations(tolerations)
                .withContainers(executor)
                .withVolumes(extractVolumeSource(), emptyDir("tmp"))
                .endSpec().build();
    }

    /** The notebook pod: Jupyter server (and the workspace's Spark driver) with home and outputs writable, the extract read-only. */
    public Pod notebookPod() {
        String cores = Integer.toString(settings.notebookCores());
        String memory = settings.notebookMemoryMb() + "Mi";
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("HOME").withValue("/workspace/home").build());
        env.add(new EnvVarBuilder().withName("SPARK_CONF_DIR").withValue(KubernetesSparkConfig.CONF_DIRECTORY).build());
        env.add(new EnvVarBuilder().withName("SPE_WORKSPACE_ID").withValue(workspace.id()).build());
        env.add(new EnvVarBuilder().withName("SPARK_LOCAL_IP").withNewValueFrom().withNewFieldRef().withFieldPath("status.podIP").endFieldRef()
                .endValueFrom().build());
        env.add(new EnvVarBuilder().withName("JUPYTER_TOKEN").withNewValueFrom().withNewSecretKeyRef().withName(JUPYTER_TOKEN).withKey("token")
                .endSecretKeyRef().endValueFrom().build());
        Container jupyter = new ContainerBuilder().withName("jupyter").withImage(settings.image())
                .withCommand("/usr/bin/jupyter-server")
                .withArgs("--ip=0.0.0.0", "--port=" + JUPYTER_PORT, "--no-browser", "--ServerApp.root_dir=/workspace/home",
                        "--ServerApp.allow_remote_access=True")
                .addNewPort().withName("jupyter").withContainerPort(JUPYTER_PORT).withProtocol("TCP").endPort()
                .withEnv(env)
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity(cores), "memory", new Quantity(memory)))
                .withLimits(Map.of("cpu", new Quantity(cores), "memory", new Quantity(memory)))
                .endResources()
                .withSecurityContext(containerSecurity())
                .withVolumeMounts(
                        new VolumeMountBuilder().withName("home").withMountPath("/workspace/home").withSubPath("home").build(),
                        new VolumeMountBuilder().withName("home").withMountPath("/workspace/outputs").withSubPath("outputs").build(),
                        extractMount(),
                        mount("spark-conf", KubernetesSparkConfig.CONF_DIRECTORY, true),
                        mount("tmp", "/tmp", false))
                .build();
        ObjectMeta podMeta = meta(KubernetesSparkConfig.DRIVER_POD);
        podMeta.getLabels().put(COMPONENT_LABEL, "notebook");
        return new PodBuilder().withMetadata(podMeta).withNewSpec()
                .withServiceAccountName(KubernetesSparkConfig.SERVICE_ACCOUNT)
                .withAutomountServiceAccountToken(true)
                .withEnableServiceLinks(false)
                .withRestartPolicy("Always")
                .withSecurityContext(podSecurity())
                .withNodeSelector(Map.of(KubernetesSparkConfig.POOL_LABEL, "cpu"))
                .withContainers(jupyter)
                .withVolumes(
                        new VolumeBuilder().withName("home").withNewPersistentVolumeClaim().withClaimName(HOME_CLAIM).withReadOnly(false)
                                .endPersistentVolumeClaim().build(),
                        extractVolumeSource(),
                        new VolumeBuilder().withName("spark-conf").withNewConfigMap().withName(SPARK_CONFIG).withDefaultMode(0444).endConfigMap().build(),
                        emptyDir("tmp"))
                .endSpec().build();
    }

    private Volume extractVolumeSource() {
        return new VolumeBuilder().withName("extract").withNewPersistentVolumeClaim().withClaimName(extractClaimName()).withReadOnly(true)
                .endPersistentVolumeClaim().build();
    }

    private static VolumeMount extractMount() {
        return mount("extract", "/workspace/extract", true);
    }

    private static VolumeMount mount(String name, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(name).withMountPath(path).withReadOnly(readOnly).build();
    }

    private static Volume emptyDir(String name) {
        return new VolumeBuilder().withName(name).withNewEmptyDir().withSizeLimit(new Quantity("1Gi")).endEmptyDir().build();
    }

    /** Non-root, the runtime's default seccomp profile, files owned by the workspace user's group. */
    static PodSecurityContext podSecurity() {
        return new PodSecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(USER_ID).withRunAsGroup(USER_ID).withFsGroup(USER_ID)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
    }

    /** No privilege, no escalation, no capabilities, a read-only root filesystem. */
    static SecurityContext containerSecurity() {
        Capabilities none = new CapabilitiesBuilder().withDrop("ALL").build();
        return new SecurityContextBuilder().withRunAsNonRoot(true).withRunAsUser(USER_ID).withPrivileged(false)
                .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withCapabilities(none)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build();
    }

    /** A label value from an id: lower case, other characters as '-' ({@code P-0001} → {@code p-0001}). */
    static String labelValue(String id) {
        return id.toLowerCase(java.util.Locale.ROOT).replaceAll("[^-a-z0-9._]", "-");
    }
}
