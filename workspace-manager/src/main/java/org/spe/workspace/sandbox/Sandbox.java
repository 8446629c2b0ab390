package org.spe.workspace.sandbox;

import java.util.List;

/**
 * One workspace's isolated execution environment: processes started in it see only what its
 * {@link SandboxSpec} names, cannot reach any network beyond their own loopback, and run without
 * privileges. Implementations: {@link BubblewrapSandbox} (embedded default); a Kubernetes pod per
 * workspace later, through the same {@link SandboxFactory} seam.
 *
 * <p>Implementations are thread-safe.
 */
public interface Sandbox {
    /** The spec this sandbox was made from. */
    SandboxSpec spec();

    /**
     * Starts {@code command} inside the sandbox. Blocks only until the process has been spawned.
     *
     * @param command the program (an absolute path inside the sandbox) and its arguments
     * @return a handle that stops the whole process tree; the tree is also stopped when the
     *     platform exits
     * @throws org.spe.core.SpeException if the sandbox cannot be started (a missing directory, the
     *     sandbox tool not installed)
     */
    SandboxProcess start(List<String> command);
}
