package org.spe.workspace.kubernetes;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the Cluster API controllers and kubelets, which the mock API server does not run: it keeps the Machines
 * of each MachineDeployment at {@code spec.replicas}, joins a ready Node for each new Machine and, when shrinking, deletes
 * Machines marked {@code cluster.x-k8s.io/delete-machine} first (as Cluster API does), with their Nodes.
 */
public final class ClusterApiControllerStandIn implements AutoCloseable {
    /** One MachineDeployment it reconciles, with what its nodes offer. */
    public record Pool(String namespace, String name, String poolLabel, int cores, int memoryGi, int gpus) {}

    private final KubernetesClient client;
    private final List<Pool> pools;
    private final AtomicInteger counter = new AtomicInteger();
    private final Thread thread;
    private volatile boolean paused;
    private volatile boolean closed;

    public ClusterApiControllerStandIn(KubernetesClient client, List<Pool> pools) {
        this.client = client;
        this.pools = List.copyOf(pools);
        for (Pool pool : pools) {
            client.genericKubernetesResources(MachineDeploymentScaler.MACHINE_DEPLOYMENTS).inNamespace(pool.namespace())
                    .resource(new GenericKubernetesResourceBuilder().withApiVersion(MachineDeploymentScaler.API_VERSION).withKind("MachineDeployment")
                            .withNewMetadata().withName(pool.name()).withNamespace(pool.namespace()).endMetadata()
                            .addToAdditionalProperties("spec", new java.util.LinkedHashMap<>(Map.of("replicas", 0, "clusterName", "spe"))).build())
                    .create();
        }
        thread = new Thread(this::run, "cluster-api-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops joining and removing nodes (a cluster that does not keep up). */
    public void pause(boolean pause) {
        this.paused = pause;
    }

    private void run() {
        while (!closed) {
            if (!paused) {
                try {
                    pools.forEach(this::reconcile);
                } catch (RuntimeException e) {
                    // the API may be mid-change; try again next round
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void reconcile(Pool pool) {
        GenericKubernetesResource deployment = client.genericKubernetesResources(MachineDeploymentScaler.MACHINE_DEPLOYMENTS)
                .inNamespace(pool.namespace()).withName(pool.name()).get();
        int desired = ((Number) ((Map<?, ?>) deployment.getAdditionalProperties().get("spec")).get("replicas")).intValue();
        var machines = client.genericKubernetesResources(MachineDeploymentScaler.MACHINES).inNamespace(pool.namespace())
                .withLabel(MachineDeploymentScaler.DEPLOYMENT_NAME, pool.name());
        List<GenericKubernetesResource> existing = new ArrayList<>(machines.list().getItems());
        while (existing.size() < desired) {
            String node = pool.poolLabel() + "-" + counter.incrementAndGet();
            Map<String, Quantity> allocatable = new java.util.LinkedHashMap<>(Map.of("cpu", new Quantity(Integer.toString(pool.cores())),
                    "memory", new Quantity(pool.memoryGi() + "Gi")));
            if (pool.gpus() > 0) {
                allocatable.put("nvidia.com/gpu", new Quantity(Integer.toString(pool.gpus())));
            }
            client.nodes().resource(new NodeBuilder().withNewMetadata().withName(node).addToLabels(KubernetesSparkConfig.POOL_LABEL, pool.poolLabel())
                    .endMetadata().withNewSpec().endSpec().withNewStatus().withAllocatable(allocatable).withCapacity(allocatable)
                    .addNewCondition().withType("Ready").withStatus("True").endCondition()
                    .addNewAddress().withType("InternalIP").withAddress("10.0.1." + counter.get()).endAddress().endStatus().build()).create();
            GenericKubernetesResource machine = new GenericKubernetesResourceBuilder().withApiVersion(MachineDeploymentScaler.API_VERSION).withKind("Machine")
                    .withNewMetadata().withName(node + "-machine").withNamespace(pool.namespace())
                    .addToLabels(MachineDeploymentScaler.DEPLOYMENT_NAME, pool.name()).endMetadata()
                    .addToAdditionalProperties("status", Map.of("nodeRef", Map.of("kind", "Node", "name", node))).build();
            client.genericKubernetesResources(MachineDeploymentScaler.MACHINES).inNamespace(pool.namespace()).resource(machine).create();
            existing.add(machine);
        }
        if (existing.size() > desired) {
            existing.sort(Comparator.comparing((GenericKubernetesResource m) -> m.getMetadata().getAnnotations() == null
                    || !m.getMetadata().getAnnotations().containsKey(MachineDeploymentScaler.DELETE_MACHINE)).thenComparing(m -> m.getMetadata().getName(),
                    Comparator.reverseOrder()));
            for (GenericKubernetesResource machine : existing.subList(0, existing.size() - desired)) {
                String node = (String) ((Map<?, ?>) ((Map<?, ?>) machine.getAdditionalProperties().get("status")).get("nodeRef")).get("name");
                client.genericKubernetesResources(MachineDeploymentScaler.MACHINES).inNamespace(pool.namespace())
                        .withName(machine.getMetadata().getName()).delete();
                client.nodes().withName(node).delete();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
