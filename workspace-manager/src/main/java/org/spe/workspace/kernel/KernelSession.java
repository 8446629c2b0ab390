package org.spe.workspace.kernel;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A client's messaging session with one kernel. Executions are serialised: one runs at a time per
 * session, later callers wait. Thread-safe.
 */
public interface KernelSession extends AutoCloseable {
    /** The kernel this session talks to. */
    String kernelId();

    /**
     * Runs {@code code} in the kernel and blocks until the kernel has replied and gone idle, the
     * timeout passed, or the kernel died. Outputs are handed to {@code listener} as they arrive,
     * on the calling thread, after the output cap; the same outputs are in the result.
     *
     * <p>On timeout the kernel is interrupted and the result is {@link ExecutionStatus#TIMEOUT}; the
     * kernel keeps its variables. If the WebSocket is found closed (before or during the
     * execution) the session reconnects once, with the same session id, and carries on.
     *
     * @throws org.spe.core.RetriableException if the kernel cannot be reached
     */
    ExecutionResult execute(String code, Duration timeout, Consumer<KernelOutput> listener);

    /** {@link #execute(String, Duration, Consumer)} without a listener. */
    default ExecutionResult execute(String code, Duration timeout) {
        return execute(code, timeout, output -> { });
    }

    /**
     * Blocks until the kernel answers a {@code kernel_info_request} on the shell channel and
     * publishes on the iopub channel through this session. Call it after
     * {@link KernelGateway#restart}: the gateway reconnects to the new kernel's iopub a little
     * later than to its shell, and output published in between would be lost. {@link #execute}
     * does this by itself after an automatic restart.
     *
     * @throws org.spe.core.RetriableException if the kernel is not ready within {@code timeout}
     */
    void awaitReady(Duration timeout);

    /** Whether the WebSocket is open. Never blocks. */
    boolean isConnected();

    /**
     * Drops the current WebSocket, if any, and opens a new one to the same kernel with the same
     * session id; the kernel and its state are untouched. Blocks until connected.
     *
     * @throws org.spe.core.RetriableException if the kernel cannot be reached
     */
    void reconnect();

    /** Closes the WebSocket; the kernel keeps running. Idempotent. */
    @Override
    void close();
}
