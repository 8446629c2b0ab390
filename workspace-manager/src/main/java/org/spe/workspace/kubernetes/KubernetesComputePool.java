package org.spe.workspace.kubernetes;

import static java.util.Objects.requireNonNull;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.RetriableException;
import org.spe.workspace.pool.ApplicationStatus;
import org.spe.workspace.pool.ComputePool;
import org.spe.workspace.pool.PoolStatus;
import org.spe.workspace.pool.WorkerStatus;

/**
 * One node pool of a Kubernetes cluster (nodes labelled {@code spe.org/pool=<name>}) as a {@link ComputePool}: its
 * workers are the pool's nodes with their allocatable cores, memory and GPUs, and what the pods scheduled on them
 * request; its applications are the workspaces (namespaces) with pods on them. Scaling asks a {@link NodePoolScaler}
 * and waits until that many nodes are ready. Scaling down picks idle nodes first, cordons them so no new executor lands
 * there, and leaves draining to the cluster (Cluster API drains a node before deleting its machine), so running
 * queries finish or are rescheduled.
 *
 * <p>Thread-safe; {@link #scaleTo(int)} is serialised. {@link #close()} does nothing: the cluster outlives the platform.
 */
public final class KubernetesComputePool implements ComputePool {
    private static final Logger log = LoggerFactory.getLogger(KubernetesComputePool.class);
    private static final BigDecimal MIB = BigDecimal.valueOf(1024L * 1024L);

    private final KubernetesClient client;
    private final String name;
    private final NodePoolScaler scaler;
    private final Duration timeout;
    private final Clock clock;

    /**
     * @param name the pool's name: the value of the {@value KubernetesSparkConfig#POOL_LABEL} label of its nodes ({@code cpu}, {@code gpu})
     * @param timeout how long {@link #scaleTo(int)} waits for nodes to join or leave
     */
    public KubernetesComputePool(KubernetesClient client, String name, NodePoolScaler scaler, Duration timeout, Clock clock) {
        this.client = requireNonNull(client, "client is null");
        this.name = requireNonNull(name, "name is null");
        this.scaler = requireNonNull(scaler, "scaler is null");
        this.timeout = requireNonNull(timeout, "timeout is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String masterUrl() {
        return "k8s://" + client.getMasterUrl().toString().replaceAll("/$", "");
    }

    @Override
    public PoolStatus status() {
        try {
            List<Node> nodes = nodes();
            Map<String, List<Pod>> podsByNode = new LinkedHashMap<>();
            for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
                String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
                if (node != null && active(pod)) {
                    podsByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(pod);
                }
            }
            List<WorkerStatus> workers = new ArrayList<>();
            int totalGpus = 0;
            int usedGpus = 0;
            Map<String, List<Pod>> podsByNamespace = new LinkedHashMap<>();
            for (Node node : nodes) {
                String nodeName = node.getMetadata().getName();
                List<Pod> pods = podsByNode.getOrDefault(nodeName, List.of());
                String state = state(node);
                int gpus = amount(allocatable(node, "nvidia.com/gpu"), BigDecimal.ONE);
                int gpusUsed = pods.stream().mapToInt(p -> amount(requested(p, "nvidia.com/gpu"), BigDecimal.ONE)).sum();
                if ("ALIVE".equals(state)) {
                    totalGpus += gpus;
                    usedGpus += gpusUsed;
                }
                workers.add(new WorkerStatus(nodeName, address(node), 0,
                        amount(allocatable(node, "cpu"), BigDecimal.ONE),
                        (int) Math.ceil(pods.stream().map(p -> requested(p, "cpu")).reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue()),
                        amount(allocatable(node, "memory"), MIB),
                        amount(pods.stream().map(p -> requested(p, "memory")).reduce(BigDecimal.ZERO, BigDecimal::add), MIB),
                        state));
                for (Pod pod : pods) {
                    podsByNamespace.computeIfAbsent(pod.getMetadata().getNamespace(), n -> new ArrayList<>()).add(pod);
                }
            }
            List<ApplicationStatus> applications = new ArrayList<>();
            Instant now = clock.instant();
            podsByNamespace.forEach((namespace, pods) -> {
                Optional<String> workspace = pods.stream().map(p -> p.getMetadata().getLabels() == null ? null
                        : p.getMetadata().getLabels().get(WorkspaceObjects.WORKSPACE_LABEL)).filter(java.util.Objects::nonNull).findFirst();
                if (workspace.isEmpty()) {
                    return; // system pods (CNI, device plugins) are not applications
                }
                Instant started = pods.stream().map(p -> p.getMetadata().getCreationTimestamp()).filter(java.util.Objects::nonNull)
                        .map(Instant::parse).min(Comparator.naturalOrder()).orElse(now);
                int cores = (int) Math.ceil(pods.stream().map(p -> requested(p, "cpu")).reduce(BigDecimal.ZERO, BigDecimal::add).doubleValue());
                int memory = pods.stream().mapToInt(p -> amount(requested(p, "memory"), MIB)).max().orElse(0);
                Duration duration = Duration.between(started, now);
                applications.add(new ApplicationStatus(namespace, workspace.get(), cores, memory, "RUNNING", started,
                        duration.isNegative() ? Duration.ZERO : duration, true));
            });
            return new PoolStatus(masterUrl(), "ALIVE", workers, applications, totalGpus, usedGpus);
        } catch (KubernetesClientException e) {
            throw new RetriableException("The Kubernetes API did not answer for node pool " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void scaleTo(int workers) {
        if (workers < 0) {
            throw new IllegalArgumentException("workers must not be negative: " + workers);
        }
        try {
            PoolStatus before = status();
            List<WorkerStatus> alive = before.aliveWorkers();
            if (workers < alive.size()) {
                // Idle nodes go first, then the least busy; they take no new pods from now on.
                List<String> leaving = alive.stream().sorted(Comparator.comparingInt(WorkerStatus::coresUsed).thenComparing(WorkerStatus::id))
                        .limit(alive.size() - workers).map(WorkerStatus::id).toList();
                scaler.removeFirst(leaving);
                for (String node : leaving) {
                    client.nodes().withName(node).edit(n -> {
                        n.getSpec().setUnschedulable(true);
                        return n;
                    });
                }
                log.info("Node pool {}: cordoned {} to scale from {} to {} nodes", name, leaving, alive.size(), workers);
            }
            scaler.requestNodes(workers);
        } catch (KubernetesClientException e) {
            throw new RetriableException("Kubernetes refused to scale node pool " + name + ": " + e.getMessage(), e);
        }
        Instant deadline = clock.instant().plus(timeout);
        while (true) {
            int ready = (int) nodes().stream().filter(n -> "ALIVE".equals(state(n))).count();
            int present = nodes().size();
            if (ready == workers && present == workers) {
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                throw new RetriableException(String.format("Node pool %s has %d ready nodes of %d asked for after %d s; the cluster is still working on it",
                        name, ready, workers, timeout.toSeconds()));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RetriableException("Interrupted while node pool " + name + " was scaling");
            }
        }
    }

    /** Nothing to stop: the node pool belongs to the cluster. */
    @Override
    public void close() {}

    private List<Node> nodes() {
        return client.nodes().withLabel(KubernetesSparkConfig.POOL_LABEL, name).list().getItems().stream()
                .sorted(Comparator.comparing(n -> n.getMetadata().getName())).toList();
    }

    /** {@code ALIVE} when ready and schedulable, {@code CORDONED} when marked unschedulable, {@code NOT_READY} otherwise. */
    private static String state(Node node) {
        if (node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable())) {
            return "CORDONED";
        }
        boolean ready = node.getStatus() != null && node.getStatus().getConditions() != null
                && node.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        return ready ? "ALIVE" : "NOT_READY";
    }

    private static String address(Node node) {
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return node.getMetadata().getName();
        }
        return node.getStatus().getAddresses().stream().filter(a -> "InternalIP".equals(a.getType())).map(NodeAddress::getAddress).findFirst()
                .orElse(node.getMetadata().getName());
    }

    private static boolean active(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    private static BigDecimal allocatable(Node node, String resource) {
        if (node.getStatus() == null || node.getStatus().getAllocatable() == null) {
            return BigDecimal.ZERO;
        }
        Quantity quantity = node.getStatus().getAllocatable().get(resource);
        return quantity == null ? BigDecimal.ZERO : quantity.getNumericalAmount();
    }

    /** What a pod's containers request of a resource (limits where no request is given, as Kubernetes does). */
    private static BigDecimal requested(Pod pod, String resource) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Container container : pod.getSpec().getContainers()) {
            if (container.getResources() == null) {
                continue;
            }
            Quantity quantity = container.getResources().getRequests() == null ? null : container.getResources().getRequests().get(resource);
            if (quantity == null && container.getResources().getLimits() != null) {
                quantity = container.getResources().getLimits().get(resource);
            }
            if (quantity != null) {
                sum = sum.add(quantity.getNumericalAmount());
            }
        }
        return sum;
    }

    private static int amount(BigDecimal value, BigDecimal unit) {
        return value.divide(unit, 0, java.math.RoundingMode.FLOOR).intValueExact();
    }
}
