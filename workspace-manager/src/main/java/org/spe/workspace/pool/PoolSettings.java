package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the embedded pool starts.
 *
 * @param runtimeDirectory where the pool keeps its logs, its Spark home and the workers' work directories
 * @param workers how many workers to start (may be 0: a master alone)
 * @param coresPerWorker cores each worker offers to executors
 * @param memoryMbPerWorker memory (MiB) each worker offers to executors
 * @param daemonHeapMb heap of the master's and each worker's own JVM (not their executors)
 * @param startTimeout how long to wait for the master to be alive and workers to register
 * @param drainTimeout how long a decommissioned worker may take for its executors to leave before it is stopped anyway
 * @param host the address the master and the local workers bind to and advertise: 127.0.0.1 when
 *     everything runs on this machine; an address other hosts reach when workers elsewhere join the
 *     master (see docs/compute-pool.md)
 */
public record PoolSettings(
        Path runtimeDirectory,
        int workers,
        int coresPerWorker,
        int memoryMbPerWorker,
        int daemonHeapMb,
        Duration startTimeout,
        Duration drainTimeout,
        String host) {
    public PoolSettings {
        requireNonNull(runtimeDirectory, "runtimeDirectory is null");
        requireNonNull(host, "host is null");
        if (!host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
            throw new IllegalArgumentException("host must be an IPv4 address of this machine: " + host);
        }
        requireNonNull(startTimeout, "startTimeout is null");
        requireNonNull(drainTimeout, "drainTimeout is null");
        if (workers < 0) {
            throw new IllegalArgumentException("workers must not be negative: " + workers);
        }
        if (coresPerWorker < 1) {
            throw new IllegalArgumentException("coresPerWorker must be at least 1: " + coresPerWorker);
        }
        if (memoryMbPerWorker < 512) {
            throw new IllegalArgumentException("memoryMbPerWorker must be at least 512: " + memoryMbPerWorker);
        }
        if (daemonHeapMb < 64) {
            throw new IllegalArgumentException("daemonHeapMb must be at least 64: " + daemonHeapMb);
        }
        if (startTimeout.isNegative() || startTimeout.isZero() || drainTimeout.isNegative() || drainTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout and drainTimeout must be positive");
        }
    }

    /** Defaults for this machine: the given workers with the given cores and memory, 256 MiB daemons, 2 min to start, 10 min to drain, bound to 127.0.0.1. */
    public static PoolSettings of(Path runtimeDirectory, int workers, int coresPerWorker, int memoryMbPerWorker) {
        return new PoolSettings(runtimeDirectory, workers, coresPerWorker, memoryMbPerWorker, 256,
                Duration.ofMinutes(2), Duration.ofMinutes(10), "127.0.0.1");
    }

    /** A copy bound to {@code address} (e.g. a bridge or LAN address that workers on other hosts reach). */
    public PoolSettings withHost(String address) {
        return new PoolSettings(runtimeDirectory, workers, coresPerWorker, memoryMbPerWorker, daemonHeapMb, startTimeout, drainTimeout, address);
    }
}
