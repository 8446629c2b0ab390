package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

/**
 * One worker as the master sees it.
 *
 * @param id the master's worker id, for example {@code worker-20261123170000-127.0.0.1-40123}
 * @param host the host the worker registered with
 * @param port the worker's RPC port
 * @param cores cores it offers
 * @param coresUsed cores its executors hold
 * @param memoryMb memory (MiB) it offers
 * @param memoryUsedMb memory (MiB) its executors hold
 * @param state the master's state for it: {@code ALIVE}, {@code DECOMMISSIONED}, {@code DEAD}, …
 */
public record WorkerStatus(String id, String host, int port, int cores, int coresUsed, int memoryMb, int memoryUsedMb, String state) {
    public WorkerStatus {
        requireNonNull(id, "id is null");
        requireNonNull(host, "host is null");
        requireNonNull(state, "state is null");
        if (cores < 0 || coresUsed < 0 || memoryMb < 0 || memoryUsedMb < 0) {
            throw new IllegalArgumentException("cores and memory must not be negative");
        }
    }

    /** Whether the master schedules executors on it. */
    public boolean alive() {
        return "ALIVE".equals(state);
    }

    /** Whether no executor runs on it. */
    public boolean idle() {
        return coresUsed == 0;
    }
}
