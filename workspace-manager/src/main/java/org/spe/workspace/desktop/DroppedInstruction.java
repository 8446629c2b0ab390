package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

/**
 * An instruction the desktop policy kept from crossing a connection (the first instruction of a
 * dropped stream; its {@code blob}s and {@code end} are dropped silently with it).
 *
 * @param direction which way it was going
 * @param opcode its opcode, e.g. {@code clipboard}, {@code file}
 * @param reason why, for the audit event
 */
public record DroppedInstruction(Direction direction, String opcode, String reason) {
    /** The two directions of a desktop connection. */
    public enum Direction {
        /** From the researcher's browser to the desktop (paste, upload). */
        TO_DESKTOP,
        /** From the desktop to the researcher's browser (copy, download, print). */
        TO_BROWSER
    }

    public DroppedInstruction {
        requireNonNull(direction, "direction is null");
        requireNonNull(opcode, "opcode is null");
        requireNonNull(reason, "reason is null");
    }
}
