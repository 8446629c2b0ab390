package org.spe.core.policy;

import static java.util.Objects.requireNonNull;

import org.spe.core.AccessDeniedException;

/** The answer of one policy rule: allowed, or denied with a reason a person can act on. */
public record Decision(boolean allowed, String reason) {
    private static final Decision ALLOW = new Decision(true, "allowed");

    public Decision {
        requireNonNull(reason, "reason is null");
    }

    public static Decision allow() {
        return ALLOW;
    }

    public static Decision deny(String format, Object... args) {
        return new Decision(false, String.format(format, args));
    }

    /** Throws {@link AccessDeniedException} with the reason unless allowed. */
    public void orThrow() {
        if (!allowed) {
            throw new AccessDeniedException(reason);
        }
    }
}
