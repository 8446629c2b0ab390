package org.spe.core.permit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spe.core.AccessDeniedException;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.event.EventOutcome;
import org.spe.core.testing.TestPlatform;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PermitServiceIT {
    private static final Caller SAM = TestPlatform.caller("sam", Role.DATA_STEWARD);
    private TestPlatform platform;

    @BeforeAll
    void start() {
        platform = new TestPlatform();
    }

    @AfterAll
    void stop() {
        platform.close();
    }

    @Test
    void aValidPermitIsRecordedActiveWithItsResearchersAndAudited() {
        Permit permit = platform.permits.create(SAM, TestPlatform.pseudonymisedRequest());
        assertThat(permit.id()).matches("P-\\d{4}");
        assertThat(permit.state()).isEqualTo(PermitState.ACTIVE);
        assertThat(platform.permits.get(TestPlatform.caller("alice", Role.RESEARCHER), permit.id())).isEqualTo(permit);
        assertThat(platform.events.events()).anyMatch(e -> e.action().equals("permit.create") && e.permitId().equals(Optional.of(permit.id())));
        assertThatThrownBy(() -> platform.permits.get(TestPlatform.caller("mallory", Role.RESEARCHER), permit.id()))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("mallory is not named on permit " + permit.id());
        assertThat(platform.permits.list(TestPlatform.caller("mallory", Role.RESEARCHER))).isEmpty();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("missing dataset", edit(r -> with(r, List.of(new PermitDataset("no_such", List.of("x"), List.of())), List.of())), "Dataset no_such is not in the catalog"),
                Arguments.of("missing column", edit(r -> with(r, List.of(new PermitDataset("ndb_claims", List.of("nope"), List.of())), List.of())), "Dataset ndb_claims has no column nope"),
                Arguments.of("direct identifier", edit(r -> with(r, List.of(new PermitDataset("ndb_claims", List.of("kana_name"), List.of())), List.of())), "direct identifier"),
                Arguments.of("filter on missing column", edit(r -> with(r, List.of(new PermitDataset("ndb_claims", List.of("sex"),
                        List.of(new RowFilter("ghost", FilterOperator.IN, List.of("1"))))), List.of())), "names column ghost"),
                Arguments.of("forbidden linkage", edit(r -> with(r, List.of(new PermitDataset("ndb_claims", List.of("sex"), List.of()),
                        new PermitDataset("kaigo_care", List.of("care_level"), List.of())), List.of(new Linkage("ndb_claims", "kaigo_care")))),
                        "not allowed by the catalog's linkage table"),
                Arguments.of("unknown researcher", edit(r -> new PermitRequest(r.title(), r.purpose(), r.category(), r.level(), r.pseudonymisationJustification(),
                        List.of("ghost"), r.datasets(), r.linkages(), r.validFrom(), r.validUntil(), r.quota(), r.sdcProfile(), r.kAnonymity())), "Researcher ghost has no account"),
                Arguments.of("non-researcher", edit(r -> new PermitRequest(r.title(), r.purpose(), r.category(), r.level(), r.pseudonymisationJustification(),
                        List.of("carol"), r.datasets(), r.linkages(), r.validFrom(), r.validUntil(), r.quota(), r.sdcProfile(), r.kAnonymity())), "User carol is not a researcher"),
                Arguments.of("no justification", edit(r -> new PermitRequest(r.title(), r.purpose(), r.category(), r.level(), Optional.empty(),
                        r.researchers(), r.datasets(), r.linkages(), r.validFrom(), r.validUntil(), r.quota(), r.sdcProfile(), r.kAnonymity())), "needs a written justification"),
                Arguments.of("end before start", edit(r -> new PermitRequest(r.title(), r.purpose(), r.category(), r.level(), r.pseudonymisationJustification(),
                        r.researchers(), r.datasets(), r.linkages(), r.validUntil(), r.validFrom(), r.quota(), r.sdcProfile(), r.kAnonymity())), "is before validFrom"),
                Arguments.of("unknown SDC profile", edit(r -> new PermitRequest(r.title(), r.purpose(), r.category(), r.level(), r.pseudonymisationJustification(),
                        r.researchers(), r.datasets(), r.linkages(), r.validFrom(), r.validUntil(), r.quota(), "lenient", r.kAnonymity())), "SDC profile lenient is unknown"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsAreRefusedAndWriteNothing(String name, PermitRequest request, String message) {
        int permitsBefore = platform.permits.all().size();
        assertThatThrownBy(() -> platform.permits.create(SAM, request)).isInstanceOf(SpeException.class).hasMessageContaining(message);
        assertThat(platform.permits.all()).hasSize(permitsBefore);
    }

    @Test
    void onlyStewardsRecordPermitsAndTheDenialIsAudited() {
        assertThatThrownBy(() -> platform.permits.create(TestPlatform.caller("alice", Role.RESEARCHER), TestPlatform.pseudonymisedRequest()))
                .isInstanceOf(AccessDeniedException.class);
        assertThat(platform.events.events()).anyMatch(e -> e.action().equals("permit.create") && e.outcome() == EventOutcome.DENIED
                && e.caller().userId().equals("alice"));
    }

    @Test
    void stateChangesFollowTheTableAndBumpTheVersion() {
        Permit permit = platform.permits.create(SAM, TestPlatform.pseudonymisedRequest());
        Permit suspended = platform.permits.changeState(SAM, permit.id(), PermitState.SUSPENDED, "investigation");
        assertThat(suspended.version()).isEqualTo(2);
        Permit revoked = platform.permits.changeState(SAM, permit.id(), PermitState.REVOKED, "withdrawn");
        assertThat(revoked.state()).isEqualTo(PermitState.REVOKED);
        assertThatThrownBy(() -> platform.permits.changeState(SAM, permit.id(), PermitState.ACTIVE, "oops"))
                .isInstanceOf(SpeException.class).hasMessageContaining("cannot go from REVOKED to ACTIVE");
        assertThat(platform.permits.find(permit.id()).orElseThrow().state()).isEqualTo(PermitState.REVOKED);
    }

    @Test
    void listenersHearEveryCommittedChangeAndOneThatFailsUndoesNothing() {
        Permit permit = platform.permits.create(SAM, TestPlatform.pseudonymisedRequest());
        List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        platform.permits.onStateChange(changed -> {
            throw new IllegalStateException("a broken listener");
        });
        platform.permits.onStateChange(changed -> {
            if (changed.id().equals(permit.id())) {
                heard.add(changed.state() + " v" + changed.version());
            }
        });

        platform.permits.changeState(SAM, permit.id(), PermitState.SUSPENDED, "investigation");
        platform.permits.changeState(SAM, permit.id(), PermitState.REVOKED, "withdrawn");
        assertThatThrownBy(() -> platform.permits.changeState(SAM, permit.id(), PermitState.ACTIVE, "oops")).isInstanceOf(SpeException.class);

        assertThat(heard).containsExactly("SUSPENDED v2", "REVOKED v3");
        assertThat(platform.permits.find(permit.id()).orElseThrow().state()).isEqualTo(PermitState.REVOKED);
    }

    private static PermitRequest edit(UnaryOperator<PermitRequest> change) {
        return change.apply(TestPlatform.pseudonymisedRequest());
    }

    private static PermitRequest with(PermitRequest r, List<PermitDataset> datasets, List<Linkage> linkages) {
        return new PermitRequest(r.title(), r.purpose(), r.category(), r.level(), r.pseudonymisationJustification(), r.researchers(),
                datasets, linkages, r.validFrom(), r.validUntil(), r.quota(), r.sdcProfile(), r.kAnonymity());
    }
}
