package org.spe.workspace.kubernetes;

import java.util.Collection;

/**
 * Changes the number of nodes of one node pool of a cluster. The cluster's own machinery (Cluster API, a managed node
 * group, Karpenter) makes and removes the machines; {@link KubernetesComputePool} watches nodes join and leave.
 * Implementations are thread-safe and block for one API call per method.
 */
public interface NodePoolScaler {
    /** The number of nodes the pool is asked to have now. */
    int desiredNodes();

    /** Asks the pool for {@code nodes} nodes; returns once the request is recorded, before nodes join or leave. */
    void requestNodes(int nodes);

    /** Marks nodes to be removed before any other when the pool shrinks next (idle ones, chosen by the pool). */
    void removeFirst(Collection<String> nodeNames);
}
