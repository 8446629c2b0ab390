package org.spe.core.permit;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.spe.core.SpeException;

/**
 * The permit lifecycle as a transition table. Nothing else branches on permit states: callers ask
 * {@link #check(PermitState, PermitState)} and read {@link #auditAction(PermitState)}.
 */
public final class PermitTransitions {
    private static final Map<PermitState, Set<PermitState>> ALLOWED = new EnumMap<>(Map.of(
            PermitState.ACTIVE, Set.of(PermitState.SUSPENDED, PermitState.EXPIRED, PermitState.REVOKED),
            PermitState.SUSPENDED, Set.of(PermitState.ACTIVE, PermitState.EXPIRED, PermitState.REVOKED),
            PermitState.EXPIRED, Set.of(PermitState.REVOKED),
            PermitState.REVOKED, Set.of()));

    private static final Map<PermitState, String> AUDIT_ACTION = new EnumMap<>(Map.of(
            PermitState.ACTIVE, "permit.reactivate",
            PermitState.SUSPENDED, "permit.suspend",
            PermitState.EXPIRED, "permit.expire",
            PermitState.REVOKED, "permit.revoke"));

    /** States in which a permit's data may be used. */
    private static final Set<PermitState> USABLE = Set.of(PermitState.ACTIVE);

    private PermitTransitions() {}

    /** The allowed target states from {@code from}. */
    public static Set<PermitState> allowedFrom(PermitState from) {
        return ALLOWED.get(from);
    }

    /** Throws a CONFLICT {@link SpeException} unless {@code from → to} is allowed. */
    public static void check(PermitState from, PermitState to) {
        if (!ALLOWED.get(from).contains(to)) {
            throw SpeException.conflict("A permit cannot go from %s to %s; from %s it can go to %s", from, to, from, ALLOWED.get(from));
        }
    }

    /** The audit action recorded when a permit enters {@code to}. */
    public static String auditAction(PermitState to) {
        return AUDIT_ACTION.get(to);
    }

    /** Whether workspaces of a permit in this state may run. */
    public static boolean usable(PermitState state) {
        return USABLE.contains(state);
    }

    static Map<PermitState, Set<PermitState>> table() {
        return ALLOWED;
    }

    static Map<PermitState, String> auditTable() {
        return AUDIT_ACTION;
    }
}
