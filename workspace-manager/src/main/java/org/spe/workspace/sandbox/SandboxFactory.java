package org.spe.workspace.sandbox;

/**
 * Makes the sandbox of a workspace; the seam where the backend (bubblewrap on one host,
 * Kubernetes in production) is chosen. Implementations are thread-safe.
 */
public interface SandboxFactory {
    /**
     * Makes a sandbox for the spec. Does not start anything; cheap.
     *
     * @throws org.spe.core.SpeException if the backend is unusable on this machine
     */
    Sandbox create(SandboxSpec spec);
}
