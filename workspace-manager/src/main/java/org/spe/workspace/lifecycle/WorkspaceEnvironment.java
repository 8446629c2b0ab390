package org.spe.workspace.lifecycle;

import org.spe.core.permit.Permit;

/**
 * The side effects behind workspace transitions: making and removing a workspace's files and
 * processes. The embedded default uses bubblewrap and a local Spark pool; production uses
 * Kubernetes. Every method is idempotent, so reconciliation after a crash can call it again.
 * Implementations are thread-safe; methods block until done.
 */
public interface WorkspaceEnvironment {
    /** Builds (or reuses) the permit's extract and creates the workspace's directories. */
    void prepare(Workspace workspace, Permit permit);

    /**
     * Checks that a workspace of the permit could start now (compute free, budget left); throws
     * {@link org.spe.core.SpeException} LIMIT_EXCEEDED saying which limit and by how much when not.
     * Changes nothing. The default admits everything.
     */
    default void admit(Permit permit) {
    }

    /** Starts the workspace's processes (Spark application, sandboxed gateway); refuses like {@link #admit} first. */
    void start(Workspace workspace, Permit permit);

    /** Stops every process of the workspace at once (suspend, lock); files stay. */
    void stop(Workspace workspace);

    /** Whether any process of the workspace is running. */
    boolean running(Workspace workspace);

    /** Deletes the workspace's files; answers what was deleted. */
    DeletionCertificate wipe(Workspace workspace);
}
