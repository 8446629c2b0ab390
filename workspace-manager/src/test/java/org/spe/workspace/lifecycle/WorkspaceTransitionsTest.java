package org.spe.workspace.lifecycle;

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

class WorkspaceTransitionsTest {
    /** The specification, written out independently of the implementation's tables. */
    private static final Map<String, Set<WorkspaceActor>> EXPECTED = Map.ofEntries(
            Map.entry("REQUESTED>PROVISIONING", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("REQUESTED>FAILED", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("REQUESTED>LOCKED", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("PROVISIONING>READY", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("PROVISIONING>FAILED", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("PROVISIONING>LOCKED", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("READY>SUSPENDED", Set.of(WorkspaceActor.RESEARCHER, WorkspaceActor.OPERATOR, WorkspaceActor.SYSTEM)),
            Map.entry("READY>DESTROYING", Set.of(WorkspaceActor.RESEARCHER, WorkspaceActor.OPERATOR, WorkspaceActor.SYSTEM)),
            Map.entry("READY>LOCKED", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("SUSPENDED>READY", Set.of(WorkspaceActor.RESEARCHER, WorkspaceActor.SYSTEM)),
            Map.entry("SUSPENDED>DESTROYING", Set.of(WorkspaceActor.RESEARCHER, WorkspaceActor.OPERATOR, WorkspaceActor.SYSTEM)),
            Map.entry("SUSPENDED>LOCKED", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("LOCKED>SUSPENDED", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("LOCKED>DESTROYING", Set.of(WorkspaceActor.OPERATOR, WorkspaceActor.SYSTEM)),
            Map.entry("FAILED>DESTROYING", Set.of(WorkspaceActor.RESEARCHER, WorkspaceActor.OPERATOR, WorkspaceActor.SYSTEM)),
            Map.entry("DESTROYING>DESTROYED", Set.of(WorkspaceActor.SYSTEM)),
            Map.entry("DESTROYING>FAILED", Set.of(WorkspaceActor.SYSTEM)));

    @Test
    void everyStateIsInEveryTable() {
        assertThat(WorkspaceTransitions.table()).containsOnlyKeys(WorkspaceState.values());
        assertThat(WorkspaceTransitions.auditTable()).containsOnlyKeys(WorkspaceState.values());
    }

    static Stream<Arguments> everyTriple() {
        List<Arguments> triples = new ArrayList<>();
        for (WorkspaceState from : WorkspaceState.values()) {
            for (WorkspaceState to : WorkspaceState.values()) {
                for (WorkspaceActor actor : WorkspaceActor.values()) {
                    triples.add(Arguments.of(from, to, actor));
                }
            }
        }
        return triples.stream();
    }

    @ParameterizedTest(name = "{0} -> {1} by {2}")
    @MethodSource("everyTriple")
    void eachTransitionAndActorHasItsSpecifiedResult(WorkspaceState from, WorkspaceState to, WorkspaceActor actor) {
        Set<WorkspaceActor> owners = EXPECTED.get(from + ">" + to);
        if (owners == null) {
            assertThatThrownBy(() -> WorkspaceTransitions.check(from, to, actor))
                    .isInstanceOf(SpeException.class).hasMessageContaining("cannot go from " + from + " to " + to)
                    .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.CONFLICT);
        } else if (owners.contains(actor)) {
            assertThatCode(() -> WorkspaceTransitions.check(from, to, actor)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> WorkspaceTransitions.check(from, to, actor))
                    .isInstanceOf(AccessDeniedException.class).hasMessageContaining("cannot move a workspace to " + to);
        }
        if (owners != null) {
            assertThat(WorkspaceTransitions.allowedFrom(from)).contains(to);
        }
    }

    @Test
    void destroyedIsFinal() {
        assertThat(WorkspaceTransitions.allowedFrom(WorkspaceState.DESTROYED)).isEmpty();
    }

    @Test
    void theStateDiagramInTheDocsIsGeneratedFromTheTable() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "reference", "workspace-states.md"));
        assertThat(doc).contains(WorkspaceTransitions.mermaid());
    }
}
