package org.spe.workspace.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A stand-in for the scheduler and kubelets, which the mock API server does not run: it marks every new pod Running and
 * Ready, as a node would once the containers answer their probes. Paused, it leaves pods Pending and Unschedulable.
 */
final class KubeletStandIn implements AutoCloseable {
    private final KubernetesClient client;
    private final Thread thread;
    private volatile boolean paused;
    private volatile boolean closed;

    KubeletStandIn(KubernetesClient client) {
        this.client = client;
        thread = new Thread(this::run, "kubelet-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    void pause(boolean pause) {
        this.paused = pause;
    }

    private void run() {
        while (!closed) {
            try {
                for (Pod pod : client.pods().inAnyNamespace().list().getItems()) {
                    if (pod.getStatus() != null && pod.getStatus().getPhase() != null) {
                        continue;
                    }
                    pod.setStatus(paused
                            ? new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder().withType("PodScheduled")
                                    .withStatus("False").withReason("Unschedulable").withMessage("0/3 nodes are available: 3 Insufficient cpu.").build()).build()
                            : new PodStatusBuilder().withPhase("Running").withPodIP("10.0.2.10").withConditions(
                                    new PodConditionBuilder().withType("Ready").withStatus("True").build()).build());
                    client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).updateStatus();
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

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
