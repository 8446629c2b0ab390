package org.spe.workspace.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A stand-in for the scheduler and kubelets, which the mock API server does not run: it marks every new pod Running and
 * Ready, as a node would once the containers answer their probes. Paused, it leaves pods Pending and Unschedulable.
 * With a {@link ContainerRuntime}, a pod becomes Ready only once the runtime has started its containers, and the runtime
 * stops them when the pod is deleted (as a kubelet kills a deleted pod's containers).
 */
public final class KubeletStandIn implements AutoCloseable {
    /** What runs a pod's containers on this machine. */
    public interface ContainerRuntime {
        /** Starts the pod's containers and blocks until they are ready; false when they failed. */
        boolean start(Pod pod);

        /** Stops the containers of a pod that was deleted. */
        void stop(String namespace, String name);
    }

    private static final ContainerRuntime NOTHING = new ContainerRuntime() {
        @Override
        public boolean start(Pod pod) {
            return true;
        }

        @Override
        public void stop(String namespace, String name) {
        }
    };

    private final KubernetesClient client;
    private final ContainerRuntime runtime;
    private final Thread thread;
    /** Pods started, by namespace/name, with their uid (a pod made again under the same name is a new pod). */
    private final Map<String, String> started = new HashMap<>();
    private volatile boolean paused;
    private volatile boolean closed;

    public KubeletStandIn(KubernetesClient client) {
        this(client, NOTHING);
    }

    public KubeletStandIn(KubernetesClient client, ContainerRuntime runtime) {
        this.client = client;
        this.runtime = runtime;
        thread = new Thread(this::run, "kubelet-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    public void pause(boolean pause) {
        this.paused = pause;
    }

    private void run() {
        while (!closed) {
            try {
                Set<String> present = new HashSet<>();
                for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
                    String key = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
                    present.add(key);
                    if (started.containsKey(key) && !started.get(key).equals(pod.getMetadata().getUid())) {
                        stop(key);
                    }
                    if (pod.getStatus() != null && pod.getStatus().getPhase() != null) {
                        continue;
                    }
                    boolean running = !paused && runtime.start(pod);
                    if (!paused) {
                        started.put(key, String.valueOf(pod.getMetadata().getUid()));
                    }
                    pod.setStatus(paused
                            ? new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder().withType("PodScheduled")
                                    .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient cpu.").build()).build()
                            : running
                                    ? new PodStatusBuilder().withPhase("Running").withPodIP("10.0.2.10").withConditions(
                                            new PodConditionBuilder().withType("Ready").withStatus("True").build()).build()
                                    : new PodStatusBuilder().withPhase("Failed").withConditions(new PodConditionBuilder().withType("Ready")
                                            .withStatus("False").withReason("ContainersNotReady").withMessage("containers with unready status").build()).build());
                    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
                }
                for (String key : Set.copyOf(started.keySet())) {
                    if (!present.contains(key)) {
                        stop(key);
                    }
                }
            } catch (RuntimeException e) {
                // the pod may be gone already; try again next round
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void stop(String key) {
        started.remove(key);
        String[] parts = key.split("/", 2);
        runtime.stop(parts[0], parts[1]);
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String key : Set.copyOf(started.keySet())) {
            stop(key);
        }
    }
}
