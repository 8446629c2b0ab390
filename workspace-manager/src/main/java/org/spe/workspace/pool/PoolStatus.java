package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A snapshot of a pool: its workers (all the master knows, including decommissioned and dead ones)
 * and its applications (running and completed). Totals count alive workers only.
 *
 * @param masterUrl the master's URL
 * @param state the master's state ({@code ALIVE} when it accepts applications)
 * @param workers every worker the master knows
 * @param applications running applications, then completed ones
 * @param totalGpus GPUs offered by alive workers (0 in the embedded standalone pool)
 * @param usedGpus GPUs held by running pods or executors
 */
public record PoolStatus(String masterUrl, String state, List<WorkerStatus> workers, List<ApplicationStatus> applications, int totalGpus, int usedGpus) {
    public PoolStatus {
        requireNonNull(masterUrl, "masterUrl is null");
        requireNonNull(state, "state is null");
        workers = List.copyOf(requireNonNull(workers, "workers is null"));
        applications = List.copyOf(requireNonNull(applications, "applications is null"));
        if (totalGpus < 0 || usedGpus < 0) {
            throw new IllegalArgumentException("GPUs must not be negative");
        }
    }

    /** A pool without GPUs. */
    public PoolStatus(String masterUrl, String state, List<WorkerStatus> workers, List<ApplicationStatus> applications) {
        this(masterUrl, state, workers, applications, 0, 0);
    }

    /** The workers on which the master schedules executors. */
    public List<WorkerStatus> aliveWorkers() {
        return workers.stream().filter(WorkerStatus::alive).toList();
    }

    /** The applications that have not finished. */
    public List<ApplicationStatus> runningApplications() {
        return applications.stream().filter(ApplicationStatus::running).toList();
    }

    /** Cores offered by alive workers. */
    public int totalCores() {
        return aliveWorkers().stream().mapToInt(WorkerStatus::cores).sum();
    }

    /** Cores held by executors on alive workers. */
    public int usedCores() {
        return aliveWorkers().stream().mapToInt(WorkerStatus::coresUsed).sum();
    }

    /** Cores an application could get now. */
    public int freeCores() {
        return totalCores() - usedCores();
    }

    /** Memory (MiB) offered by alive workers. */
    public long totalMemoryMb() {
        return aliveWorkers().stream().mapToLong(WorkerStatus::memoryMb).sum();
    }

    /** Memory (MiB) held by executors on alive workers. */
    public long usedMemoryMb() {
        return aliveWorkers().stream().mapToLong(WorkerStatus::memoryUsedMb).sum();
    }

    /** Memory (MiB) an application could get now. */
    public long freeMemoryMb() {
        return totalMemoryMb() - usedMemoryMb();
    }

    /** GPUs an application could get now. */
    public int freeGpus() {
        return Math.max(0, totalGpus - usedGpus);
    }
}
