package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Meters CPU use per application name from successive {@link PoolStatus} samples.
 *
 * <p>Method: the master reports, for each running application, the cores its executors hold now
 * and how long it has run. Each sample adds {@code cores × (duration − duration at the previous
 * sample)} for that application; the first sample of an application adds {@code cores × duration}
 * (it is assumed to have held those cores since it started). A completed application holds 0
 * cores, so nothing more is added once it finished. The error is bounded by the sampling
 * interval: a change in cores between samples is counted from the next sample, and the tail
 * between an application's last running sample and its end is not counted. Sample every few
 * seconds (the operator's metering job); applications are keyed by name, which for workspaces is
 * the workspace id, so restarts of a workspace's application add up.
 *
 * <p>Thread-safe: methods are synchronized. Non-blocking.
 */
public final class PoolMeter {
    private final Map<String, Duration> lastDurationById = new HashMap<>();
    private final Map<String, Double> cpuSecondsByName = new TreeMap<>();

    /** Adds the CPU time of the running applications in {@code status} since the previous sample. */
    public synchronized void record(PoolStatus status) {
        requireNonNull(status, "status is null");
        for (ApplicationStatus application : status.runningApplications()) {
            Duration previous = lastDurationById.getOrDefault(application.id(), Duration.ZERO);
            Duration elapsed = application.duration().minus(previous);
            if (elapsed.isNegative()) {
                continue;
            }
            lastDurationById.put(application.id(), application.duration());
            double seconds = application.cores() * (elapsed.toMillis() / 1000.0);
            cpuSecondsByName.merge(application.name(), seconds, Double::sum);
        }
    }

    /** CPU-seconds metered so far, per application name, sorted by name. */
    public synchronized Map<String, Double> cpuSecondsByApplication() {
        return Map.copyOf(cpuSecondsByName);
    }

    /** CPU-seconds metered so far for one application name (0 if never seen). */
    public synchronized double cpuSeconds(String applicationName) {
        return cpuSecondsByName.getOrDefault(requireNonNull(applicationName, "applicationName is null"), 0.0);
    }
}
