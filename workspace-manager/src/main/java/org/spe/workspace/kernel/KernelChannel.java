package org.spe.workspace.kernel;

import java.util.Optional;

/** The channels of the Jupyter messaging protocol, as named in the {@code channel} field on a WebSocket. */
public enum KernelChannel {
    SHELL("shell"),
    IOPUB("iopub"),
    STDIN("stdin"),
    CONTROL("control");

    private final String wireName;

    KernelChannel(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire. */
    public String wireName() {
        return wireName;
    }

    /** The channel with this wire name, if any. */
    public static Optional<KernelChannel> fromWireName(String name) {
        for (KernelChannel channel : values()) {
            if (channel.wireName.equals(name)) {
                return Optional.of(channel);
            }
        }
        return Optional.empty();
    }
}
