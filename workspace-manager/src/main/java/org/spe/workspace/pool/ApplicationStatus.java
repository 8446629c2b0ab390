package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * One Spark application as the master sees it.
 *
 * @param id the master's application id
 * @param name the application's name ({@code spark.app.name}); workspaces use their workspace id
 * @param cores cores its executors hold now (0 once it has finished)
 * @param memoryPerExecutorMb memory (MiB) of each of its executors
 * @param state the master's state for it: {@code WAITING}, {@code RUNNING}, {@code FINISHED}, …
 * @param started when it registered
 * @param duration how long it has run (until now, or until it finished)
 * @param running whether it is among the master's active applications
 */
public record ApplicationStatus(
        String id, String name, int cores, int memoryPerExecutorMb, String state, Instant started, Duration duration, boolean running) {
    public ApplicationStatus {
        requireNonNull(id, "id is null");
        requireNonNull(name, "name is null");
        requireNonNull(state, "state is null");
        requireNonNull(started, "started is null");
        requireNonNull(duration, "duration is null");
        if (cores < 0 || memoryPerExecutorMb < 0 || duration.isNegative()) {
            throw new IllegalArgumentException("cores, memory and duration must not be negative");
        }
    }
}
