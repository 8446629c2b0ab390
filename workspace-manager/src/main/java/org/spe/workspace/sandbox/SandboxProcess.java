package org.spe.workspace.sandbox;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A process tree running inside a {@link Sandbox}. Thread-safe.
 */
public interface SandboxProcess extends AutoCloseable {
    /** The host process id of the sandbox's outermost process. */
    long pid();

    /** Whether the sandbox's processes still run. Never blocks. */
    boolean isAlive();

    /** The exit code, once the process has exited. Never blocks. */
    Optional<Integer> exitCode();

    /** Completes with the exit code when the process has exited. */
    CompletableFuture<Integer> onExit();

    /**
     * The last few kilobytes of the process's combined stdout and stderr, for error messages.
     * Never blocks. It may contain whatever the sandboxed program printed; do not log it where
     * researchers' data must not go.
     */
    String outputTail();

    /**
     * Stops the whole process tree: asks politely, then kills after {@code grace}. Blocks until
     * every process has gone or the grace and a short kill wait have passed. Idempotent.
     */
    void stop(Duration grace);

    /** {@link #stop(Duration)} with a grace of two seconds. */
    @Override
    default void close() {
        stop(Duration.ofSeconds(2));
    }
}
