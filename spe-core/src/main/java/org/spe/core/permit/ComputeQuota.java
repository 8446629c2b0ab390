package org.spe.core.permit;

/** The compute a permit may use: at once (cores, memory, GPUs, storage) and in total (CPU- and GPU-hours). */
public record ComputeQuota(int cores, int memoryGb, int gpus, int storageGb, double cpuHours, double gpuHours) {
    public ComputeQuota {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be at least 1: " + cores);
        }
        if (memoryGb < 1) {
            throw new IllegalArgumentException("memoryGb must be at least 1: " + memoryGb);
        }
        if (gpus < 0 || storageGb < 0 || cpuHours < 0 || gpuHours < 0) {
            throw new IllegalArgumentException("gpus, storageGb, cpuHours and gpuHours must not be negative");
        }
    }
}
