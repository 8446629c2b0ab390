package org.spe.workspace.kernel;

import java.util.List;

/**
 * The kernels of one workspace, managed through the Jupyter Kernel Gateway API
 * ({@code /api/kernelspecs}, {@code /api/kernels}). Every method blocks for one HTTP exchange,
 * bounded by the configured request timeout. Implementations are thread-safe.
 *
 * <p>Errors: a gateway that cannot be reached, times out or answers 5xx throws
 * {@link org.spe.core.RetriableException}; an unknown kernel or spec throws an
 * {@link org.spe.core.SpeException} of category {@code NOT_FOUND}; any other refusal one of
 * category {@code INTERNAL}.
 */
public interface KernelGateway extends AutoCloseable {
    /** The kernel kinds that can be started. */
    List<KernelSpec> kernelSpecs();

    /** Starts a kernel of the named spec; returns once the gateway has launched it (it may still be {@code starting}). */
    KernelInfo startKernel(String specName);

    /** The running kernels. */
    List<KernelInfo> kernels();

    /** One running kernel. */
    KernelInfo kernel(String kernelId);

    /** Interrupts what the kernel runs (SIGINT for Python); the kernel and its variables stay. */
    void interrupt(String kernelId);

    /** Restarts the kernel: a new process, variables lost, same id. Returns when it has been restarted. */
    KernelInfo restart(String kernelId);

    /** Shuts the kernel down and forgets it. */
    void shutdown(String kernelId);

    /**
     * Opens a messaging session with the kernel over its WebSocket
     * ({@code /api/kernels/{id}/channels}). Blocks until connected.
     */
    KernelSession connect(String kernelId);

    /** Releases client resources; kernels keep running. Idempotent. */
    @Override
    void close();
}
