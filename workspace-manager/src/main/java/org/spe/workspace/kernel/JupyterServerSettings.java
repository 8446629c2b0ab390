package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@link JupyterServerProcess} starts a workspace's jupyter-server.
 *
 * @param jupyterServer the {@code jupyter-server} program inside the sandbox (Debian's
 *     {@code /usr/bin/jupyter-server})
 * @param python the interpreter kernels run with (Debian's {@code /usr/bin/python3}, which has
 *     ipykernel and pandas; not whatever {@code python3} is first on the platform's PATH)
 * @param runtimeDirectory a platform-owned host directory for generated per-server configuration
 *     (holds the token; never inside a workspace)
 * @param startTimeout how long to wait for {@code /api} to answer
 * @param client settings of the Kernel Gateway client
 */
public record JupyterServerSettings(
        Path jupyterServer, Path python, Path runtimeDirectory, Duration startTimeout, KernelClientConfig client) {
    public JupyterServerSettings {
        requireNonNull(jupyterServer, "jupyterServer is null");
        requireNonNull(python, "python is null");
        requireNonNull(runtimeDirectory, "runtimeDirectory is null");
        requireNonNull(startTimeout, "startTimeout is null");
        requireNonNull(client, "client is null");
        if (!jupyterServer.isAbsolute() || !python.isAbsolute() || !runtimeDirectory.isAbsolute()) {
            throw new IllegalArgumentException("jupyterServer, python and runtimeDirectory must be absolute paths");
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive: " + startTimeout);
        }
    }

    /** Debian's programs, a 60 s start timeout and the default client settings. */
    public static JupyterServerSettings defaults(Path runtimeDirectory) {
        return new JupyterServerSettings(Path.of("/usr/bin/jupyter-server"), Path.of("/usr/bin/python3"),
                runtimeDirectory, Duration.ofSeconds(60), KernelClientConfig.defaults());
    }

    /** A copy with other client settings. */
    public JupyterServerSettings withClient(KernelClientConfig client) {
        return new JupyterServerSettings(jupyterServer, python, runtimeDirectory, startTimeout, client);
    }
}
