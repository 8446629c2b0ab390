package org.spe.workspace.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.spe.workspace.kubernetes.KubernetesFixtures.EXTRACTS;
import static org.spe.workspace.kubernetes.KubernetesFixtures.IMAGE;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.LimitRangeItem;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spe.core.RetriableException;
import org.spe.core.permit.Permit;
import org.spe.workspace.lifecycle.DeletionCertificate;
import org.spe.workspace.lifecycle.Workspace;

/**
 * The Kubernetes backend against fabric8's mock Kubernetes API server in CRUD mode (a stand-in for
 * a real API server: it stores and serves objects but runs no controllers, kubelets or admission).
 * Each object made for a workspace is checked field by field.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesWorkspaceEnvironmentAgainstMockApiServerIT {
    static KubernetesClient client;

    private static KubeletStandIn kubelet;

    private final List<Permit> extractsEnsured = new ArrayList<>();
    private KubernetesWorkspaceEnvironment environment;

    @BeforeAll
    static void nodes() {
        kubelet = new KubeletStandIn(client);
    }

    @AfterAll
    static void stopNodes() {
        kubelet.close();
    }

    @BeforeEach
    void environment() {
        extractsEnsured.clear();
        environment = new KubernetesWorkspaceEnvironment(client, KubernetesFixtures.settings(), EXTRACTS, extractsEnsured::add,
                Clock.fixed(Instant.parse("2026-06-02T10:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void prepareMakesANamespaceWithQuotaLimitsIsolationAndRbac() {
        Permit permit = KubernetesFixtures.cpuPermit("P-0101");
        Workspace workspace = KubernetesFixtures.workspace("W-0101", permit);
        environment.prepare(workspace, permit);
        String ns = "spe-ws-w-0101";
        assertThat(extractsEnsured).containsExactly(permit);

        Namespace namespace = client.namespaces().withName(ns).get();
        assertThat(namespace.getMetadata().getLabels()).containsEntry("spe.org/workspace", "w-0101").containsEntry("spe.org/permit", "p-0101")
                .containsEntry("app.kubernetes.io/managed-by", "spe")
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");

        // Stopped until started: the quota admits no pod yet.
        ResourceQuota quota = client.resourceQuotas().inNamespace(ns).withName("workspace-quota").get();
        assertThat(hard(quota)).containsEntry("requests.cpu", "3").containsEntry("limits.cpu", "3")
                .containsEntry("requests.memory", "10240Mi").containsEntry("limits.memory", "10240Mi")
                .containsEntry("requests.nvidia.com/gpu", "0").containsEntry("requests.storage", "10241Mi")
                .containsEntry("pods", "0").containsEntry("services", "1").containsEntry("services.loadbalancers", "0")
                .containsEntry("services.nodeports", "0").containsEntry("persistentvolumeclaims", "3");

        List<LimitRangeItem> limits = client.limitRanges().inNamespace(ns).withName("workspace-limits").get().getSpec().getLimits();
        assertThat(limits).extracting(LimitRangeItem::getType).containsExactly("Container", "PersistentVolumeClaim");
        assertThat(amounts(limits.get(0).getMax())).containsEntry("cpu", "2").containsEntry("memory", "8192Mi");
        assertThat(amounts(limits.get(0).getDefault())).containsEntry("cpu", "1").containsEntry("memory", "1Gi");
        assertThat(amounts(limits.get(1).getMax())).containsEntry("storage", "10Gi");

        NetworkPolicy policy = client.network().v1().networkPolicies().inNamespace(ns).withName("workspace-isolation").get();
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        List<NetworkPolicyEgressRule> egress = policy.getSpec().getEgress();
        assertThat(egress).hasSize(3);
        assertThat(egress.get(0).getTo().get(0).getPodSelector().getMatchLabels()).isNullOrEmpty();
        assertThat(egress.get(0).getTo().get(0).getNamespaceSelector()).isNull();
        assertThat(egress.get(1).getTo().get(0).getNamespaceSelector().getMatchLabels()).containsExactly(Map.entry("kubernetes.io/metadata.name", "spe"));
        assertThat(egress.get(1).getTo().get(0).getPodSelector().getMatchLabels()).containsExactly(Map.entry("app.kubernetes.io/name", "spe-server"));
        assertThat(egress.get(1).getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getProtocol()).isEqualTo("TCP");
            assertThat(p.getPort().getIntVal()).isEqualTo(8080);
        });
        assertThat(egress.get(2).getTo().get(0).getIpBlock().getCidr()).isEqualTo("10.0.0.0/24");
        assertThat(egress.get(2).getPorts().get(0).getPort().getIntVal()).isEqualTo(443);
        assertThat(egress).as("no rule allows DNS or any address outside").noneMatch(rule -> rule.getTo() == null || rule.getTo().isEmpty()
                || rule.getPorts().stream().anyMatch(p -> p.getPort() != null && p.getPort().getIntVal() != null && p.getPort().getIntVal() == 53));
        assertThat(policy.getSpec().getIngress()).hasSize(3);
        assertThat(policy.getSpec().getIngress().get(0).getFrom().get(0).getNamespaceSelector()).isNull();
        assertThat(policy.getSpec().getIngress().get(1).getFrom().get(0).getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("app.kubernetes.io/name", "spe-server"));
        assertThat(policy.getSpec().getIngress().get(1).getPorts().get(0).getPort().getIntVal()).isEqualTo(8888);
        assertThat(policy.getSpec().getIngress().get(2).getFrom().get(0).getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("app.kubernetes.io/name", "guacd"));
        assertThat(policy.getSpec().getIngress().get(2).getFrom().get(0).getNamespaceSelector().getMatchLabels())
                .containsExactly(Map.entry("kubernetes.io/metadata.name", "spe"));
        assertThat(policy.getSpec().getIngress().get(2).getPorts().get(0).getPort().getIntVal()).isEqualTo(5900);

        Role role = client.rbac().roles().inNamespace(ns).withName("spark-executors").get();
        assertThat(role.getRules()).extracting(r -> String.join(",", r.getResources()))
                .containsExactly("pods", "configmaps", "persistentvolumeclaims");
        assertThat(role.getRules()).allSatisfy(r -> assertThat(r.getApiGroups()).containsExactly(""));
        assertThat(role.getRules().get(2).getVerbs()).containsExactly("get", "list", "watch");
        RoleBinding binding = client.rbac().roleBindings().inNamespace(ns).withName("spark-executors").get();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
            assertThat(s.getKind()).isEqualTo("ServiceAccount");
            assertThat(s.getName()).isEqualTo("workspace");
            assertThat(s.getNamespace()).isEqualTo(ns);
        });
        assertThat(client.serviceAccounts().inNamespace(ns).withName("workspace").get()).isNotNull();

        // The platform reaches the Jupyter server through this Service only: cluster-internal, the notebook pod only.
        var service = client.services().inNamespace(ns).withName("notebook").get();
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getSelector()).containsOnly(Map.entry("spe.org/workspace", "w-0101"), Map.entry("spe.org/component", "notebook"));
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(8888);
            assertThat(port.getTargetPort().getIntVal()).isEqualTo(8888);
            assertThat(port.getProtocol()).isEqualTo("TCP");
            assertThat(port.getNodePort()).isNull();
        });

        PersistentVolumeClaim home = client.persistentVolumeClaims().inNamespace(ns).withName("home").get();
        assertThat(home.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(home.getSpec().getStorageClassName()).isEqualTo("gp3-encrypted");
        assertThat(home.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("10Gi");

        assertThat(environment.jupyterToken("W-0101")).get().asString().hasSize(64).matches("[0-9a-f]+");
        assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(environment.running(workspace)).isFalse();
    }

    @Test
    void startRunsAHardenedNotebookPodWithTheExtractReadOnlyAndSparkOnKubernetes() {
        Permit permit = KubernetesFixtures.cpuPermit("P-0102");
        Workspace workspace = KubernetesFixtures.workspace("W-0102", permit);
        environment.prepare(workspace, permit);
        environment.start(workspace, permit);
        String ns = "spe-ws-w-0102";
        assertThat(environment.running(workspace)).isTrue();
        assertThat(hard(client.resourceQuotas().inNamespace(ns).withName("workspace-quota").get())).containsEntry("pods", "3");

        PersistentVolume volume = client.persistentVolumes().withName(ns + "-extract-v1").get();
        assertThat(volume.getSpec().getNfs().getServer()).isEqualTo("fs-0123.efs.ap-northeast-1.amazonaws.com");
        assertThat(volume.getSpec().getNfs().getPath()).isEqualTo("/spe/extracts/P-0102/v1");
        assertThat(volume.getSpec().getNfs().getReadOnly()).isTrue();
        assertThat(volume.getSpec().getAccessModes()).containsExactly("ReadOnlyMany");
        assertThat(volume.getSpec().getMountOptions()).contains("ro", "nosuid", "nodev", "noexec");
        assertThat(volume.getSpec().getPersistentVolumeReclaimPolicy()).isEqualTo("Retain");
        assertThat(volume.getSpec().getClaimRef().getNamespace()).isEqualTo(ns);
        assertThat(volume.getSpec().getClaimRef().getName()).isEqualTo("extract-v1");
        PersistentVolumeClaim extract = client.persistentVolumeClaims().inNamespace(ns).withName("extract-v1").get();
        assertThat(extract.getSpec().getAccessModes()).containsExactly("ReadOnlyMany");
        assertThat(extract.getSpec().getVolumeName()).isEqualTo(ns + "-extract-v1");

        Pod pod = client.pods().inNamespace(ns).withName("notebook").get();
        assertThat(pod.getMetadata().getLabels()).containsEntry("spe.org/component", "notebook");
        assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).isEqualTo(1000L);
        assertThat(pod.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getSpec().getServiceAccountName()).isEqualTo("workspace");
        assertThat(pod.getSpec().getHostNetwork()).isNotEqualTo(Boolean.TRUE);
        assertThat(pod.getSpec().getEnableServiceLinks()).isFalse();
        assertThat(pod.getSpec().getNodeSelector()).containsExactly(Map.entry("spe.org/pool", "cpu"));
        Container jupyter = pod.getSpec().getContainers().get(0);
        assertThat(jupyter.getImage()).isEqualTo(IMAGE);
        assertThat(jupyter.getCommand()).containsExactly("/usr/bin/jupyter-server");
        hardened(jupyter.getSecurityContext());
        assertThat(amounts(jupyter.getResources().getLimits())).containsEntry("cpu", "1").containsEntry("memory", "2048Mi");
        assertThat(jupyter.getResources().getRequests()).isEqualTo(jupyter.getResources().getLimits());
        Map<String, VolumeMount> mounts = jupyter.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));
        assertThat(mounts.get("/workspace/extract").getReadOnly()).isTrue();
        assertThat(mounts.get("/opt/spark/conf").getReadOnly()).isTrue();
        assertThat(mounts.get("/workspace/home").getSubPath()).isEqualTo("home");
        assertThat(mounts.get("/workspace/outputs").getSubPath()).isEqualTo("outputs");
        assertThat(mounts.get("/tmp").getReadOnly()).isFalse();
        Map<String, Volume> volumes = pod.getSpec().getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        assertThat(volumes.get("extract").getPersistentVolumeClaim().getClaimName()).isEqualTo("extract-v1");
        assertThat(volumes.get("extract").getPersistentVolumeClaim().getReadOnly()).isTrue();
        assertThat(volumes.get("home").getPersistentVolumeClaim().getClaimName()).isEqualTo("home");
        assertThat(volumes.values()).as("only volume types the restricted Pod Security Standard admits")
                .allMatch(v -> v.getPersistentVolumeClaim() != null || v.getConfigMap() != null || v.getEmptyDir() != null);
        assertThat(jupyter.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("JUPYTER_TOKEN");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("jupyter-token");
        });

        String defaults = client.configMaps().inNamespace(ns).withName("spark-defaults").get().getData().get("spark-defaults.conf");
        assertThat(defaults.lines()).contains("spark.master k8s://https://10.100.0.1:443", "spark.submit.deployMode client",
                "spark.kubernetes.namespace " + ns, "spark.kubernetes.container.image " + IMAGE, "spark.kubernetes.driver.pod.name notebook",
                "spark.executor.instances 2", "spark.executor.cores 1", "spark.executor.memory 3687m", "spark.executor.memoryOverhead 409m",
                "spark.kubernetes.node.selector.spe.org/pool cpu", "spark.app.name W-0102");
        assertThat(defaults).doesNotContain("gpu.amount");
        Pod template = Serialization.unmarshal(
                client.configMaps().inNamespace(ns).withName("spark-defaults").get().getData().get("executor-pod-template.yaml"), Pod.class);
        hardened(template.getSpec().getContainers().get(0).getSecurityContext());
        assertThat(template.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(template.getSpec().getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(template.getSpec().getVolumes()).anySatisfy(v -> assertThat(v.getPersistentVolumeClaim().getReadOnly()).isTrue());
        assertThat(template.getSpec().getTolerations()).isEmpty();
    }

    @Test
    void aPermitWithGpusGetsAGpuQuotaAndExecutorsOnTheGpuPool() {
        Permit permit = KubernetesFixtures.gpuPermit("P-0103");
        Workspace workspace = KubernetesFixtures.workspace("W-0103", permit);
        environment.prepare(workspace, permit);
        environment.start(workspace, permit);
        String ns = "spe-ws-w-0103";
        assertThat(hard(client.resourceQuotas().inNamespace(ns).withName("workspace-quota").get()))
                .containsEntry("requests.nvidia.com/gpu", "2").containsEntry("requests.cpu", "5").containsEntry("requests.memory", "34816Mi")
                .containsEntry("requests.storage", "51201Mi").containsEntry("pods", "3");
        var data = client.configMaps().inNamespace(ns).withName("spark-defaults").get().getData();
        assertThat(data.get("spark-defaults.conf").lines()).contains("spark.executor.instances 2", "spark.executor.cores 2",
                "spark.executor.resource.gpu.amount 1", "spark.executor.resource.gpu.vendor nvidia.com", "spark.task.resource.gpu.amount 0.5000",
                "spark.kubernetes.node.selector.spe.org/pool gpu");
        Pod template = Serialization.unmarshal(data.get("executor-pod-template.yaml"), Pod.class);
        assertThat(template.getSpec().getNodeSelector()).containsExactly(Map.entry("spe.org/pool", "gpu"));
        assertThat(template.getSpec().getTolerations()).singleElement().satisfies(t -> {
            assertThat(t.getKey()).isEqualTo("nvidia.com/gpu");
            assertThat(t.getEffect()).isEqualTo("NoSchedule");
        });
    }

    @Test
    void stopDeletesEveryPodAtOnceAndAdmitsNoNewOne() {
        Permit permit = KubernetesFixtures.cpuPermit("P-0104");
        Workspace workspace = KubernetesFixtures.workspace("W-0104", permit);
        environment.prepare(workspace, permit);
        environment.start(workspace, permit);
        String ns = "spe-ws-w-0104";
        // What the Spark driver would have made: two executor pods.
        for (int i = 1; i <= 2; i++) {
            client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("w-0104-exec-" + i).withNamespace(ns)
                    .addToLabels("spark-role", "executor").endMetadata().withNewSpec().addNewContainer().withName("spark-executor").withImage(IMAGE)
                    .endContainer().endSpec().build()).create();
        }
        assertThat(client.pods().inNamespace(ns).list().getItems()).hasSize(3);

        environment.stop(workspace);

        assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(environment.running(workspace)).isFalse();
        assertThat(hard(client.resourceQuotas().inNamespace(ns).withName("workspace-quota").get())).containsEntry("pods", "0");
        // Files stay: the home claim and the extract claim are kept for a resume.
        assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems()).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("home", "extract-v1");

        environment.start(workspace, permit);
        assertThat(environment.running(workspace)).isTrue();
        assertThat(hard(client.resourceQuotas().inNamespace(ns).withName("workspace-quota").get())).containsEntry("pods", "3");
    }

    @Test
    void startAfterANewPermitVersionClaimsTheNewExtractAndReleasesTheOld() {
        Permit first = KubernetesFixtures.cpuPermit("P-0105");
        Workspace workspace = KubernetesFixtures.workspace("W-0105", first);
        environment.prepare(workspace, first);
        environment.start(workspace, first);
        environment.stop(workspace);
        Permit second = KubernetesFixtures.permit("P-0105", 2, first.quota());
        environment.start(workspace, second);
        String ns = "spe-ws-w-0105";
        assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems()).extracting(c -> c.getMetadata().getName())
                .containsExactlyInAnyOrder("home", "extract-v2");
        assertThat(client.persistentVolumes().withName(ns + "-extract-v1").get()).isNull();
        assertThat(client.persistentVolumes().withName(ns + "-extract-v2").get().getSpec().getNfs().getPath()).isEqualTo("/spe/extracts/P-0105/v2");
        assertThat(client.pods().inNamespace(ns).withName("notebook").get().getSpec().getVolumes())
                .anySatisfy(v -> assertThat(v.getPersistentVolumeClaim() != null && "extract-v2".equals(v.getPersistentVolumeClaim().getClaimName())).isTrue());
    }

    @Test
    void wipeRemovesEveryObjectAndTheNamespaceAndCertifiesThem() {
        Permit permit = KubernetesFixtures.cpuPermit("P-0106");
        Workspace workspace = KubernetesFixtures.workspace("W-0106", permit);
        environment.prepare(workspace, permit);
        environment.start(workspace, permit);
        environment.stop(workspace);
        String ns = "spe-ws-w-0106";

        DeletionCertificate certificate = environment.wipe(workspace);

        assertThat(client.namespaces().withName(ns).get()).isNull();
        assertThat(client.persistentVolumes().withLabel("spe.org/workspace", "w-0106").list().getItems()).isEmpty();
        assertThat(client.persistentVolumeClaims().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.network().v1().networkPolicies().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.services().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.rbac().roles().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.rbac().roleBindings().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.serviceAccounts().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.resourceQuotas().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.limitRanges().inNamespace(ns).list().getItems()).isEmpty();

        assertThat(certificate.workspaceId()).isEqualTo("W-0106");
        assertThat(certificate.permitId()).isEqualTo("P-0106");
        assertThat(certificate.wipedAt()).isEqualTo(Instant.parse("2026-06-02T10:00:00Z"));
        assertThat(certificate.files()).extracting(DeletionCertificate.WipedFile::path).contains("PersistentVolumeClaim/" + ns + "/home",
                "PersistentVolumeClaim/" + ns + "/extract-v1", "PersistentVolume/" + ns + "-extract-v1", "Secret/" + ns + "/jupyter-token",
                "NetworkPolicy/" + ns + "/workspace-isolation", "Service/" + ns + "/notebook", "Namespace/" + ns);
        assertThat(certificate.files()).allSatisfy(f -> assertThat(f.sha256()).matches("[0-9a-f]{64}"));
        assertThat(certificate.totalBytes()).isEqualTo(10L * 1024 * 1024 * 1024 + 1024 * 1024);

        // Again: nothing left to delete, an empty certificate, no error.
        assertThat(environment.wipe(workspace).files()).isEmpty();
    }

    @Test
    void everyStepCanBeRepeated() {
        Permit permit = KubernetesFixtures.cpuPermit("P-0107");
        Workspace workspace = KubernetesFixtures.workspace("W-0107", permit);
        environment.stop(workspace);
        environment.prepare(workspace, permit);
        String token = environment.jupyterToken("W-0107").orElseThrow();
        environment.prepare(workspace, permit);
        assertThat(environment.jupyterToken("W-0107")).contains(token);
        environment.start(workspace, permit);
        environment.start(workspace, permit);
        assertThat(client.pods().inNamespace("spe-ws-w-0107").list().getItems()).hasSize(1);
        environment.stop(workspace);
        environment.stop(workspace);
        assertThat(environment.running(workspace)).isFalse();
    }

    @Test
    void aNotebookPodThatNoNodeTakesIsAnErrorSayingWhy() {
        Permit permit = KubernetesFixtures.cpuPermit("P-0109");
        Workspace workspace = KubernetesFixtures.workspace("W-0109", permit);
        environment.prepare(workspace, permit);
        kubelet.pause(true);
        try {
            assertThatThrownBy(() -> environment.start(workspace, permit)).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("The notebook pod of workspace W-0109 is not ready after 5 s")
                    .hasMessageContaining("PodScheduled: Unschedulable 0/3 nodes are available");
        } finally {
            kubelet.pause(false);
        }
        environment.stop(workspace);
        assertThat(environment.running(workspace)).isFalse();
    }

    @Test
    void anUnreachableApiServerIsARetriableErrorNamingTheWorkspace() {
        Permit permit = KubernetesFixtures.cpuPermit("P-0108");
        Workspace workspace = KubernetesFixtures.workspace("W-0108", permit);
        var config = new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(500).build();
        try (KubernetesClient unreachable = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(config).build()) {
            var offline = new KubernetesWorkspaceEnvironment(unreachable, KubernetesFixtures.settings(), EXTRACTS, p -> {}, Clock.systemUTC());
            assertThatThrownBy(() -> offline.prepare(workspace, permit)).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("Kubernetes refused to prepare workspace W-0108");
        }
    }

    private static void hardened(SecurityContext security) {
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getPrivileged()).isFalse();
        assertThat(security.getAllowPrivilegeEscalation()).isFalse();
        assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    }

    private static Map<String, String> hard(ResourceQuota quota) {
        return amounts(quota.getSpec().getHard());
    }

    private static Map<String, String> amounts(Map<String, Quantity> quantities) {
        return quantities.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString()));
    }
}
