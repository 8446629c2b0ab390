package org.spe.workspace.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.core.RetriableException;
import org.spe.workspace.pool.PoolStatus;
import org.spe.workspace.pool.WorkerStatus;

/**
 * CPU and GPU node pools scaled through Cluster API MachineDeployments, against fabric8's mock Kubernetes API server in
 * CRUD mode, with {@link ClusterApiControllerStandIn} playing the controllers and kubelets that the mock does not run.
 */
@EnableKubernetesMockClient(crud = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesComputePoolAgainstMockApiServerIT {
    static KubernetesClient client;

    private ClusterApiControllerStandIn clusterApi;
    private KubernetesComputePool cpu;
    private KubernetesComputePool gpu;

    @BeforeAll
    void cluster() {
        clusterApi = new ClusterApiControllerStandIn(client, List.of(new ClusterApiControllerStandIn.Pool("capi-system", "spe-cpu", "cpu", 4, 16, 0),
                new ClusterApiControllerStandIn.Pool("capi-system", "spe-gpu", "gpu", 8, 64, 2)));
        cpu = new KubernetesComputePool(client, "cpu", MachineDeploymentScaler.of(client, "capi-system/spe-cpu"), Duration.ofSeconds(30), Clock.systemUTC());
        gpu = new KubernetesComputePool(client, "gpu", MachineDeploymentScaler.of(client, "capi-system/spe-gpu"), Duration.ofSeconds(30), Clock.systemUTC());
        cpu.scaleTo(2);
        gpu.scaleTo(1);
    }

    @AfterAll
    void stop() {
        clusterApi.close();
    }

    @Test
    void poolsShowCapacityAndWhatWorkspacePodsUse() {
        List<WorkerStatus> nodes = cpu.status().aliveWorkers();
        assertThat(nodes).hasSize(2);
        String busy = nodes.get(0).id();
        String gpuNode = gpu.status().aliveWorkers().get(0).id();
        pod("spe-ws-w-0201", "notebook", busy, "1", "2Gi", 0, true);
        pod("spe-ws-w-0201", "w-0201-exec-1", busy, "2", "4Gi", 0, true);
        pod("kube-system", "aws-node-x", nodes.get(1).id(), "100m", "64Mi", 0, false);
        pod("spe-ws-w-0202", "w-0202-exec-1", gpuNode, "4", "16Gi", 1, true);
        try {
            PoolStatus status = cpu.status();
            assertThat(cpu.name()).isEqualTo("cpu");
            assertThat(cpu.masterUrl()).startsWith("k8s://");
            assertThat(status.state()).isEqualTo("ALIVE");
            assertThat(status.totalCores()).isEqualTo(8);
            assertThat(status.totalMemoryMb()).isEqualTo(2 * 16 * 1024);
            WorkerStatus busyNode = status.workers().stream().filter(w -> w.id().equals(busy)).findFirst().orElseThrow();
            assertThat(busyNode.coresUsed()).isEqualTo(3);
            assertThat(busyNode.memoryUsedMb()).isEqualTo(6 * 1024);
            assertThat(busyNode.host()).startsWith("10.0.1.");
            assertThat(status.usedCores()).isEqualTo(4); // 3 on the busy node, the system pod's 0.1 rounds up on the other
            assertThat(status.totalGpus()).isZero();
            assertThat(status.runningApplications()).singleElement().satisfies(app -> {
                assertThat(app.id()).isEqualTo("spe-ws-w-0201");
                assertThat(app.name()).isEqualTo("w-0201");
                assertThat(app.cores()).isEqualTo(3);
                assertThat(app.memoryPerExecutorMb()).isEqualTo(4096);
            });

            PoolStatus gpus = gpu.status();
            assertThat(gpus.totalGpus()).isEqualTo(2);
            assertThat(gpus.usedGpus()).isEqualTo(1);
            assertThat(gpus.freeGpus()).isEqualTo(1);
            assertThat(gpus.totalCores()).isEqualTo(8);
        } finally {
            client.pods().inAnyNamespace().list().getItems().forEach(p -> client.resource(p).withGracePeriod(0).delete());
        }
    }

    @Test
    void scalingUpWaitsForNewNodesAndScalingDownRemovesIdleNodesFirst() {
        cpu.scaleTo(3);
        List<WorkerStatus> three = cpu.status().aliveWorkers();
        assertThat(three).hasSize(3);
        assertThat(desiredReplicas("spe-cpu")).isEqualTo(3);

        String busy = three.get(1).id();
        pod("spe-ws-w-0203", "notebook", busy, "2", "2Gi", 0, true);
        try {
            cpu.scaleTo(1);
            assertThat(cpu.status().workers()).extracting(WorkerStatus::id).containsExactly(busy);
            assertThat(cpu.status().aliveWorkers()).hasSize(1);
            assertThat(desiredReplicas("spe-cpu")).isEqualTo(1);
        } finally {
            client.pods().inAnyNamespace().list().getItems().forEach(p -> client.resource(p).withGracePeriod(0).delete());
        }
        cpu.scaleTo(2);
        assertThat(cpu.status().aliveWorkers()).hasSize(2);
    }

    @Test
    void aClusterThatDoesNotKeepUpIsARetriableErrorAndBadInputChangesNothing() {
        var slow = new KubernetesComputePool(client, "gpu", MachineDeploymentScaler.of(client, "capi-system/spe-gpu"), Duration.ofSeconds(1), Clock.systemUTC());
        assertThatThrownBy(() -> slow.scaleTo(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(desiredReplicas("spe-gpu")).isEqualTo(1);
        clusterApi.pause(true);
        try {
            assertThatThrownBy(() -> slow.scaleTo(2)).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("Node pool gpu has 1 ready nodes of 2 asked for");
        } finally {
            clusterApi.pause(false);
        }
        gpu.scaleTo(1);
        assertThat(gpu.status().aliveWorkers()).hasSize(1);
        assertThatThrownBy(() -> MachineDeploymentScaler.of(client, "spe-gpu")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("<namespace>/<name>");
    }

    private int desiredReplicas(String name) {
        GenericKubernetesResource deployment = client.genericKubernetesResources(MachineDeploymentScaler.MACHINE_DEPLOYMENTS)
                .inNamespace("capi-system").withName(name).get();
        return ((Number) ((Map<?, ?>) deployment.getAdditionalProperties().get("spec")).get("replicas")).intValue();
    }

    private static void pod(String namespace, String name, String node, String cpu, String memory, int gpus, boolean workspace) {
        Map<String, Quantity> requests = new java.util.LinkedHashMap<>(Map.of("cpu", new Quantity(cpu), "memory", new Quantity(memory)));
        if (gpus > 0) {
            requests.put("nvidia.com/gpu", new Quantity(Integer.toString(gpus)));
        }
        var builder = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace).withCreationTimestamp("2026-06-01T09:00:00Z");
        if (workspace) {
            builder.addToLabels(WorkspaceObjects.WORKSPACE_LABEL, namespace.replace("spe-ws-", ""));
        }
        client.pods().inNamespace(namespace).resource(builder.endMetadata().withNewSpec().withNodeName(node).addNewContainer().withName("main")
                .withImage(KubernetesFixtures.IMAGE).withNewResources().withRequests(requests).withLimits(requests).endResources().endContainer()
                .endSpec().build()).create();
    }
}
