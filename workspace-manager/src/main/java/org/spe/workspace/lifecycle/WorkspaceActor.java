package org.spe.workspace.lifecycle;

/** Who drives a workspace transition. */
public enum WorkspaceActor {
    /** A researcher named on the workspace's permit. */
    RESEARCHER,
    /** An operator. */
    OPERATOR,
    /** The platform itself: provisioning, idle suspend, permit ends, reconciliation. */
    SYSTEM
}
