package org.spe.output.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spe.core.AccessDeniedException;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

class ReleaseTransitionsTest {
    /** The specification, written out independently of the implementation's tables. */
    private static final Map<String, Set<ReleaseActor>> EXPECTED = Map.ofEntries(
            Map.entry("DRAFT>SUBMITTED", Set.of(ReleaseActor.AUTHOR)),
            Map.entry("DRAFT>WITHDRAWN", Set.of(ReleaseActor.AUTHOR)),
            Map.entry("SUBMITTED>IN_REVIEW", Set.of(ReleaseActor.CHECKER)),
            Map.entry("SUBMITTED>WITHDRAWN", Set.of(ReleaseActor.AUTHOR)),
            Map.entry("IN_REVIEW>RELEASED", Set.of(ReleaseActor.SYSTEM)),
            Map.entry("IN_REVIEW>REJECTED", Set.of(ReleaseActor.SYSTEM)),
            Map.entry("IN_REVIEW>RETURNED", Set.of(ReleaseActor.SYSTEM)),
            Map.entry("IN_REVIEW>WITHDRAWN", Set.of(ReleaseActor.AUTHOR)),
            Map.entry("RETURNED>SUBMITTED", Set.of(ReleaseActor.AUTHOR)),
            Map.entry("RETURNED>WITHDRAWN", Set.of(ReleaseActor.AUTHOR)));

    private static final Set<ReleaseState> FINAL = Set.of(ReleaseState.RELEASED, ReleaseState.REJECTED, ReleaseState.WITHDRAWN);

    @Test
    void everyStateIsInEveryTable() {
        assertThat(ReleaseTransitions.table()).containsOnlyKeys(ReleaseState.values());
        assertThat(ReleaseTransitions.contentOwnerTable()).containsOnlyKeys(ReleaseState.values());
        assertThat(ReleaseTransitions.auditTable()).containsOnlyKeys(ReleaseState.values());
        assertThat(ReleaseTransitions.auditTable()).isEqualTo(Map.of(
                ReleaseState.DRAFT, "release.request", ReleaseState.SUBMITTED, "release.submit", ReleaseState.IN_REVIEW, "release.review",
                ReleaseState.RETURNED, "release.decision", ReleaseState.RELEASED, "release.decision", ReleaseState.REJECTED, "release.decision",
                ReleaseState.WITHDRAWN, "release.withdraw"));
    }

    static Stream<Arguments> everyTriple() {
        List<Arguments> triples = new ArrayList<>();
        for (ReleaseState from : ReleaseState.values()) {
            for (ReleaseState to : ReleaseState.values()) {
                for (ReleaseActor actor : ReleaseActor.values()) {
                    triples.add(Arguments.of(from, to, actor));
                }
            }
        }
        return triples.stream();
    }

    @ParameterizedTest(name = "{0} -> {1} by {2}")
    @MethodSource("everyTriple")
    void eachTransitionAndActorHasItsSpecifiedResult(ReleaseState from, ReleaseState to, ReleaseActor actor) {
        Set<ReleaseActor> owners = EXPECTED.get(from + ">" + to);
        if (FINAL.contains(from)) {
            assertThatThrownBy(() -> ReleaseTransitions.check(from, to, actor))
                    .isInstanceOf(SpeException.class).hasMessageContaining("is " + from + ", which is final")
                    .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.CONFLICT);
        } else if (owners == null) {
            assertThatThrownBy(() -> ReleaseTransitions.check(from, to, actor))
                    .isInstanceOf(SpeException.class).hasMessageContaining("cannot go from " + from + " to " + to)
                    .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.CONFLICT);
        } else if (owners.contains(actor)) {
            assertThatCode(() -> ReleaseTransitions.check(from, to, actor)).doesNotThrowAnyException();
            assertThat(ReleaseTransitions.allowedFrom(from)).contains(to);
        } else {
            assertThatThrownBy(() -> ReleaseTransitions.check(from, to, actor))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("cannot move a release request from " + from + " to " + to);
        }
    }

    static Stream<Arguments> everyStateAndActor() {
        List<Arguments> pairs = new ArrayList<>();
        for (ReleaseState state : ReleaseState.values()) {
            for (ReleaseActor actor : ReleaseActor.values()) {
                pairs.add(Arguments.of(state, actor));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "edit in {0} by {1}")
    @MethodSource("everyStateAndActor")
    void onlyTheContentOwnerEditsAndFinalStatesNeverChange(ReleaseState state, ReleaseActor actor) {
        boolean allowed = (actor == ReleaseActor.AUTHOR && (state == ReleaseState.DRAFT || state == ReleaseState.RETURNED))
                || (actor == ReleaseActor.CHECKER && state == ReleaseState.IN_REVIEW);
        if (allowed) {
            assertThatCode(() -> ReleaseTransitions.checkEdit(state, actor)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> ReleaseTransitions.checkEdit(state, actor))
                    .isInstanceOf(SpeException.class)
                    .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.CONFLICT);
        }
        assertThat(ReleaseTransitions.isFinal(state)).isEqualTo(FINAL.contains(state));
        boolean inReview = state == ReleaseState.SUBMITTED || state == ReleaseState.IN_REVIEW;
        assertThat(ReleaseTransitions.awaitsChecker(state)).isEqualTo(inReview);
        assertThat(ReleaseTransitions.reviewsBlind(state)).isEqualTo(inReview);
        assertThat(ReleaseTransitions.packaged(state)).isEqualTo(state == ReleaseState.RELEASED);
    }

    @Test
    void theReferenceDocShowsTheGeneratedDiagram() throws IOException {
        Path doc = Path.of("..", "docs", "reference", "release-states.md");
        assertThat(Files.readString(doc)).contains("```mermaid\n" + ReleaseTransitions.mermaid() + "```");
    }
}
