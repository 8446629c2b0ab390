package org.spe.workspace.lifecycle;

import static org.spe.workspace.lifecycle.WorkspaceActor.OPERATOR;
import static org.spe.workspace.lifecycle.WorkspaceActor.RESEARCHER;
import static org.spe.workspace.lifecycle.WorkspaceActor.SYSTEM;
import static org.spe.workspace.lifecycle.WorkspaceState.DESTROYED;
import static org.spe.workspace.lifecycle.WorkspaceState.DESTROYING;
import static org.spe.workspace.lifecycle.WorkspaceState.FAILED;
import static org.spe.workspace.lifecycle.WorkspaceState.LOCKED;
import static org.spe.workspace.lifecycle.WorkspaceState.PROVISIONING;
import static org.spe.workspace.lifecycle.WorkspaceState.READY;
import static org.spe.workspace.lifecycle.WorkspaceState.REQUESTED;
import static org.spe.workspace.lifecycle.WorkspaceState.SUSPENDED;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import org.spe.core.AccessDeniedException;
import org.spe.core.SpeException;

/**
 * The workspace lifecycle as tables: which transitions exist, who may make each one, and
 * which audit action records it. {@link #check} is the only place that decides a transition;
 * nothing else branches on workspace states.
 */
public final class WorkspaceTransitions {
    private static final Set<WorkspaceActor> ANYONE = Set.of(RESEARCHER, OPERATOR, SYSTEM);

    /** For each state, the states it can go to and who may make each move. */
    private static final Map<WorkspaceState, Map<WorkspaceState, Set<WorkspaceActor>>> ALLOWED = new EnumMap<>(Map.of(
            REQUESTED, Map.of(PROVISIONING, Set.of(SYSTEM), FAILED, Set.of(SYSTEM), LOCKED, Set.of(SYSTEM)),
            PROVISIONING, Map.of(READY, Set.of(SYSTEM), FAILED, Set.of(SYSTEM), LOCKED, Set.of(SYSTEM)),
            READY, Map.of(SUSPENDED, ANYONE, DESTROYING, ANYONE, LOCKED, Set.of(SYSTEM)),
            SUSPENDED, Map.of(READY, Set.of(RESEARCHER, SYSTEM), DESTROYING, ANYONE, LOCKED, Set.of(SYSTEM)),
            LOCKED, Map.of(SUSPENDED, Set.of(SYSTEM), DESTROYING, Set.of(OPERATOR, SYSTEM)),
            FAILED, Map.of(DESTROYING, ANYONE),
            DESTROYING, Map.of(DESTROYED, Set.of(SYSTEM), FAILED, Set.of(SYSTEM)),
            DESTROYED, Map.of()));

    private static final Map<WorkspaceState, String> AUDIT_ACTION = new EnumMap<>(Map.of(
            REQUESTED, "workspace.request",
            PROVISIONING, "workspace.provision",
            READY, "workspace.ready",
            SUSPENDED, "workspace.suspend",
            DESTROYING, "workspace.destroy",
            DESTROYED, "workspace.destroyed",
            FAILED, "workspace.fail",
            LOCKED, "workspace.lock"));

    /** States in which the workspace's processes may run. */
    private static final Set<WorkspaceState> RUNNING = Set.of(PROVISIONING, READY);

    private WorkspaceTransitions() {}

    /**
     * Throws unless {@code actor} may move a workspace from {@code from} to {@code to}: CONFLICT for
     * a transition that does not exist, ACCESS_DENIED for an actor who does not own the target.
     */
    public static void check(WorkspaceState from, WorkspaceState to, WorkspaceActor actor) {
        Set<WorkspaceActor> owners = ALLOWED.get(from).get(to);
        if (owners == null) {
            throw SpeException.conflict("A workspace cannot go from %s to %s; from %s it can go to %s", from, to, from, allowedFrom(from));
        }
        if (!owners.contains(actor)) {
            throw AccessDeniedException.deny("a %s cannot move a workspace to %s", actor.name().toLowerCase(), to);
        }
    }

    public static String auditAction(WorkspaceState to) {
        return AUDIT_ACTION.get(to);
    }

    public static Set<WorkspaceState> allowedFrom(WorkspaceState from) {
        return new java.util.TreeSet<>(ALLOWED.get(from).keySet());
    }

    /** Whether processes may run in this state (anything else must have none). */
    public static boolean running(WorkspaceState state) {
        return RUNNING.contains(state);
    }

    /** Whether the workspace still exists for its researchers (shown in lists). */
    public static boolean live(WorkspaceState state) {
        return state != DESTROYED;
    }

    static Map<WorkspaceState, Map<WorkspaceState, Set<WorkspaceActor>>> table() {
        return ALLOWED;
    }

    static Map<WorkspaceState, String> auditTable() {
        return AUDIT_ACTION;
    }

    /** A Mermaid state diagram generated from the table (docs/reference/workspace-states.md). */
    public static String mermaid() {
        StringBuilder diagram = new StringBuilder("stateDiagram-v2\n    [*] --> REQUESTED\n");
        for (WorkspaceState from : WorkspaceState.values()) {
            allowedFrom(from).forEach(to -> diagram.append("    ").append(from).append(" --> ").append(to)
                    .append(" : ").append(ALLOWED.get(from).get(to).stream().map(a -> a.name().toLowerCase()).sorted().reduce((a, b) -> a + "/" + b).orElse("")).append('\n'));
        }
        return diagram.append("    DESTROYED --> [*]\n").toString();
    }
}
