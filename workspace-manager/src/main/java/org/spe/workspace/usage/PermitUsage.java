package org.spe.workspace.usage;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a permit has used and what it is estimated to cost.
 *
 * @param permitId the permit
 * @param cpuSeconds executor CPU-seconds of its workspaces' applications (Spark's task accounting)
 * @param gpuSeconds GPU-seconds of its workspaces' applications
 * @param storageBytes bytes in its workspaces' folders (home and outputs)
 * @param extractBytes bytes of its extracts
 * @param extractsBuilt extracts built (one per permit version used)
 * @param cpuHoursBudget the CPU-hours its quota allows in total
 * @param gpuHoursBudget the GPU-hours its quota allows in total
 * @param workspaces each workspace's usage
 * @param fee the fee estimate now
 */
public record PermitUsage(String permitId, double cpuSeconds, double gpuSeconds, long storageBytes, long extractBytes, int extractsBuilt,
        double cpuHoursBudget, double gpuHoursBudget, List<WorkspaceUsage> workspaces, FeeTable.Estimate fee) {
    public PermitUsage {
        requireNonNull(permitId, "permitId is null");
        workspaces = List.copyOf(requireNonNull(workspaces, "workspaces is null"));
        requireNonNull(fee, "fee is null");
        if (cpuSeconds < 0 || gpuSeconds < 0 || storageBytes < 0 || extractBytes < 0 || extractsBuilt < 0) {
            throw new IllegalArgumentException("usage must not be negative");
        }
    }
}
