package org.spe.core.permit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

class PermitTransitionsTest {
    private static final Set<List<PermitState>> ALLOWED = Set.of(
            List.of(PermitState.ACTIVE, PermitState.SUSPENDED),
            List.of(PermitState.ACTIVE, PermitState.EXPIRED),
            List.of(PermitState.ACTIVE, PermitState.REVOKED),
            List.of(PermitState.SUSPENDED, PermitState.ACTIVE),
            List.of(PermitState.SUSPENDED, PermitState.EXPIRED),
            List.of(PermitState.SUSPENDED, PermitState.REVOKED),
            List.of(PermitState.EXPIRED, PermitState.REVOKED));

    @Test
    void everyStateIsInEveryTable() {
        assertThat(PermitTransitions.table()).containsOnlyKeys(PermitState.values());
        assertThat(PermitTransitions.auditTable()).containsOnlyKeys(PermitState.values());
    }

    static Stream<Arguments> everyPair() {
        List<Arguments> pairs = new ArrayList<>();
        for (PermitState from : PermitState.values()) {
            for (PermitState to : PermitState.values()) {
                pairs.add(Arguments.of(from, to, ALLOWED.contains(List.of(from, to))));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}: {2}")
    @MethodSource("everyPair")
    void eachTransitionIsAllowedOrRefusedAsSpecified(PermitState from, PermitState to, boolean allowed) {
        if (allowed) {
            assertThatCode(() -> PermitTransitions.check(from, to)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> PermitTransitions.check(from, to))
                    .isInstanceOf(SpeException.class)
                    .hasMessageContaining("cannot go from " + from + " to " + to)
                    .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.CONFLICT);
        }
    }

    @Test
    void onlyActivePermitsAreUsable() {
        for (PermitState state : PermitState.values()) {
            assertThat(PermitTransitions.usable(state)).isEqualTo(state == PermitState.ACTIVE);
        }
    }
}
