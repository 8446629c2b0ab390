package org.spe.workspace.sandbox;

/**
 * Where a workspace's directories appear inside every sandbox, whatever the backend. Code that runs
 * inside a workspace (kernels, jupyter-server) relies on these paths; the host paths behind them
 * are the platform's business and are never visible inside.
 */
public final class SandboxLayout {
    /** The researcher's home directory (read-write, the workspace's own). */
    public static final String HOME = "/home/researcher";
    /** The outputs directory whose files may later be requested for release (read-write). */
    public static final String OUTPUTS = "/outputs";
    /** The materialised data extract of the workspace's permit (read-only). */
    public static final String EXTRACT = "/extract";
    /** The directory shared with the platform for control sockets (read-write). */
    public static final String CONTROL = "/run/spe";
    /** The user name inside the sandbox; its numeric id is {@link #UID}. */
    public static final String USER = "researcher";
    /** The unprivileged user id the sandboxed processes run as. */
    public static final int UID = 1000;
    /** The group id the sandboxed processes run as. */
    public static final int GID = 1000;

    private SandboxLayout() {}
}
