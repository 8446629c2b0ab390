package org.spe.workspace.usage;

import static java.util.Objects.requireNonNull;

/**
 * What one workspace has used.
 *
 * @param workspaceId the workspace
 * @param state its lifecycle state now
 * @param cpuSeconds executor CPU-seconds of its application's tasks
 * @param taskSeconds executor run (wall) seconds of its application's tasks
 * @param gpuSeconds GPU-seconds
 * @param storageBytes bytes in its folder (home and outputs; 0 once wiped)
 */
public record WorkspaceUsage(String workspaceId, String state, double cpuSeconds, double taskSeconds, double gpuSeconds, long storageBytes) {
    public WorkspaceUsage {
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(state, "state is null");
        if (cpuSeconds < 0 || taskSeconds < 0 || gpuSeconds < 0 || storageBytes < 0) {
            throw new IllegalArgumentException("usage must not be negative");
        }
    }
}
