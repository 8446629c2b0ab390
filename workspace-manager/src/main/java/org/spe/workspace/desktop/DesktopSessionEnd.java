package org.spe.workspace.desktop;

/** Why a desktop session ended; recorded in its {@code desktop.session.end} audit event. */
public enum DesktopSessionEnd {
    /** The browser closed the tunnel or sent {@code disconnect}. */
    CLIENT_CLOSED,
    /** No key or mouse input for the idle timeout. */
    IDLE,
    /** The session reached its maximum length. */
    MAX_LENGTH,
    /** The workspace stopped: suspended, locked or destroyed; or its desktop exited. */
    WORKSPACE_STOPPED,
    /** The policy no longer allows the user (permit suspended, revoked or expired). */
    POLICY,
    /** The connection to the desktop failed. */
    ERROR,
    /** The platform is shutting down. */
    SHUTDOWN
}
