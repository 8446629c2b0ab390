package org.spe.output.release;

import static org.spe.output.release.ReleaseActor.AUTHOR;
import static org.spe.output.release.ReleaseActor.CHECKER;
import static org.spe.output.release.ReleaseActor.SYSTEM;
import static org.spe.output.release.ReleaseState.DRAFT;
import static org.spe.output.release.ReleaseState.IN_REVIEW;
import static org.spe.output.release.ReleaseState.REJECTED;
import static org.spe.output.release.ReleaseState.RELEASED;
import static org.spe.output.release.ReleaseState.RETURNED;
import static org.spe.output.release.ReleaseState.SUBMITTED;
import static org.spe.output.release.ReleaseState.WITHDRAWN;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.spe.core.AccessDeniedException;
import org.spe.core.SpeException;

/**
 * The release-request lifecycle as tables (STYLE §3.1): which transitions exist and who may make
 * each, who owns the request's content in each state, and which audit action records entering
 * each state. {@link #check} decides every transition and {@link #checkEdit} every content change
 * (files, justifications, reviews); nothing else branches on {@link ReleaseState}. Stateless and
 * thread-safe.
 */
public final class ReleaseTransitions {
    /** For each state, the states it can go to and who may make each move. */
    private static final Map<ReleaseState, Map<ReleaseState, Set<ReleaseActor>>> ALLOWED = new EnumMap<>(Map.of(
            DRAFT, Map.of(SUBMITTED, Set.of(AUTHOR), WITHDRAWN, Set.of(AUTHOR)),
            SUBMITTED, Map.of(IN_REVIEW, Set.of(CHECKER), WITHDRAWN, Set.of(AUTHOR)),
            IN_REVIEW, Map.of(RELEASED, Set.of(SYSTEM), REJECTED, Set.of(SYSTEM), RETURNED, Set.of(SYSTEM), WITHDRAWN, Set.of(AUTHOR)),
            RETURNED, Map.of(SUBMITTED, Set.of(AUTHOR), WITHDRAWN, Set.of(AUTHOR)),
            RELEASED, Map.of(),
            REJECTED, Map.of(),
            WITHDRAWN, Map.of()));

    /**
     * Who may change the request's content in each state: the author edits files and
     * justifications in DRAFT and RETURNED, checkers record reviews in IN_REVIEW; nobody changes
     * anything in SUBMITTED (waiting for a checker) or in a final state.
     */
    private static final Map<ReleaseState, Set<ReleaseActor>> CONTENT_OWNERS = new EnumMap<>(Map.of(
            DRAFT, Set.of(AUTHOR),
            SUBMITTED, Set.of(),
            IN_REVIEW, Set.of(CHECKER),
            RETURNED, Set.of(AUTHOR),
            RELEASED, Set.of(),
            REJECTED, Set.of(),
            WITHDRAWN, Set.of()));

    /**
     * The audit action recorded when a request enters each state, in the audit log's vocabulary
     * ({@code org.spe.audit.AuditActions}: {@code release.request}, {@code release.submit},
     * {@code release.review}, {@code release.decision}); the event's {@code decision} detail names
     * the state entered, which the audit monitor reads to count rejections.
     */
    private static final Map<ReleaseState, String> AUDIT_ACTION = new EnumMap<>(Map.of(
            DRAFT, "release.request",
            SUBMITTED, "release.submit",
            IN_REVIEW, "release.review",
            RETURNED, "release.decision",
            RELEASED, "release.decision",
            REJECTED, "release.decision",
            WITHDRAWN, "release.withdraw"));

    /** States whose release package exists and may be downloaded by the author. */
    private static final Set<ReleaseState> PACKAGED = Set.of(RELEASED);

    /**
     * States in which reviews are blind: each checker sees only their own decisions and comments,
     * so the two reviews stay independent, and the author sees none until the outcome.
     */
    private static final Set<ReleaseState> BLIND_REVIEW = Set.of(SUBMITTED, IN_REVIEW);

    private ReleaseTransitions() {}

    /**
     * Throws unless {@code actor} may move a request from {@code from} to {@code to}: CONFLICT
     * ({@link SpeException}) when {@code from} is final or the transition does not exist,
     * {@link AccessDeniedException} when the transition exists but belongs to another actor.
     */
    public static void check(ReleaseState from, ReleaseState to, ReleaseActor actor) {
        if (isFinal(from)) {
            throw SpeException.conflict("The release request is %s, which is final; it cannot go to %s", from, to);
        }
        Set<ReleaseActor> owners = ALLOWED.get(from).get(to);
        if (owners == null) {
            throw SpeException.conflict("A release request cannot go from %s to %s; from %s it can go to %s", from, to, from, allowedFrom(from));
        }
        if (!owners.contains(actor)) {
            throw AccessDeniedException.deny("the %s cannot move a release request from %s to %s", actor.name().toLowerCase(), from, to);
        }
    }

    /**
     * Throws a CONFLICT {@link SpeException} unless {@code actor} may change the request's content
     * in {@code state} (final states never change).
     */
    public static void checkEdit(ReleaseState state, ReleaseActor actor) {
        if (isFinal(state)) {
            throw SpeException.conflict("The release request is %s, which is final; it cannot be changed", state);
        }
        if (!CONTENT_OWNERS.get(state).contains(actor)) {
            throw SpeException.conflict("A release request in %s cannot be changed by the %s; %s", state, actor.name().toLowerCase(),
                    CONTENT_OWNERS.get(state).isEmpty() ? "nobody changes it in this state"
                            : "only the " + CONTENT_OWNERS.get(state).stream().map(a -> a.name().toLowerCase()).sorted().collect(Collectors.joining("/")) + " may");
        }
    }

    /** The audit action recorded when a request enters {@code to}. */
    public static String auditAction(ReleaseState to) {
        return AUDIT_ACTION.get(to);
    }

    /** The states reachable from {@code from} in one step, in enum order. */
    public static Set<ReleaseState> allowedFrom(ReleaseState from) {
        return new TreeSet<>(ALLOWED.get(from).keySet());
    }

    /** Whether {@code state} is final: no transition leaves it and nothing in the request changes. */
    public static boolean isFinal(ReleaseState state) {
        return ALLOWED.get(state).isEmpty();
    }

    /** Whether, in {@code state}, a viewer sees only their own decisions and comments (see the table's comment). */
    public static boolean reviewsBlind(ReleaseState state) {
        return BLIND_REVIEW.contains(state);
    }

    /** Whether a request in {@code state} has a release package that its author may download. */
    public static boolean packaged(ReleaseState state) {
        return PACKAGED.contains(state);
    }

    /**
     * Whether a request in {@code state} waits for an output checker: a checker may move it on or
     * change its content. These requests make up the checkers' queue.
     */
    public static boolean awaitsChecker(ReleaseState state) {
        return CONTENT_OWNERS.get(state).contains(CHECKER)
                || ALLOWED.get(state).values().stream().anyMatch(actors -> actors.contains(CHECKER));
    }

    static Map<ReleaseState, Map<ReleaseState, Set<ReleaseActor>>> table() {
        return ALLOWED;
    }

    static Map<ReleaseState, Set<ReleaseActor>> contentOwnerTable() {
        return CONTENT_OWNERS;
    }

    static Map<ReleaseState, String> auditTable() {
        return AUDIT_ACTION;
    }

    /** A Mermaid state diagram generated from the table (written into docs/reference/release-states.md). */
    public static String mermaid() {
        StringBuilder diagram = new StringBuilder("stateDiagram-v2\n    [*] --> DRAFT\n");
        for (ReleaseState from : ReleaseState.values()) {
            allowedFrom(from).forEach(to -> diagram.append("    ").append(from).append(" --> ").append(to).append(" : ")
                    .append(ALLOWED.get(from).get(to).stream().map(a -> a.name().toLowerCase()).sorted().collect(Collectors.joining("/")))
                    .append('\n'));
        }
        for (ReleaseState state : ReleaseState.values()) {
            if (isFinal(state)) {
                diagram.append("    ").append(state).append(" --> [*]\n");
            }
        }
        return diagram.toString();
    }
}
