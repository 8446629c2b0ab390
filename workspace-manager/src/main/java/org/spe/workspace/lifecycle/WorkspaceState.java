package org.spe.workspace.lifecycle;

/** The lifecycle of a workspace. See {@link WorkspaceTransitions} for the allowed changes. */
public enum WorkspaceState {
    /** Asked for by a researcher; nothing exists yet. */
    REQUESTED,
    /** The extract, directories, Spark application and sandboxed processes are being made. */
    PROVISIONING,
    /** Running: researchers can query and run code. */
    READY,
    /** Processes stopped (idle or asked for); files kept. */
    SUSPENDED,
    /** Processes being stopped and files wiped. */
    DESTROYING,
    /** Gone; a deletion certificate records what was wiped. Final. */
    DESTROYED,
    /** Provisioning or destroying went wrong; nothing runs. */
    FAILED,
    /** The permit is no longer usable: sessions and kernels cut at once, files kept until the grace period ends. */
    LOCKED
}
