package org.spe.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spe.core.AccessDeniedException;
import org.spe.core.account.Role;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitState;
import org.spe.core.testing.TestPlatform;

class RoleBasedAccessPolicyTest {
    private final AccessPolicy policy = new RoleBasedAccessPolicy();
    private final Permit permit = permitFor("alice");

    @Test
    void workspacesAreSeenByOperatorsAuditorsAndNamedResearchersOnly() {
        assertThat(policy.canViewWorkspace(TestPlatform.caller("oscar", Role.OPERATOR), permit)).isTrue();
        assertThat(policy.canViewWorkspace(TestPlatform.caller("erin", Role.AUDITOR), permit)).isTrue();
        assertThat(policy.canViewWorkspace(TestPlatform.caller("alice", Role.RESEARCHER), permit)).isTrue();
        assertThat(policy.canViewWorkspace(TestPlatform.caller("bob", Role.RESEARCHER), permit)).isFalse();
        assertThat(policy.canViewWorkspace(TestPlatform.caller("carol", Role.OUTPUT_CHECKER), permit)).isFalse();
    }

    @Test
    void workspacesAreManagedByOperatorsAndNamedResearchersNotAuditors() {
        assertThat(policy.canManageWorkspace(TestPlatform.caller("oscar", Role.OPERATOR), permit)).isTrue();
        assertThat(policy.canManageWorkspace(TestPlatform.caller("alice", Role.RESEARCHER), permit)).isTrue();
        assertThatThrownBy(() -> policy.checkCanManageWorkspace(TestPlatform.caller("erin", Role.AUDITOR), permit))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("erin is not a researcher named on permit P-0001");
    }

    @Test
    void aNamedResearcherCannotUseASuspendedPermit() {
        Permit suspended = permit.withState(PermitState.SUSPENDED);
        assertThat(policy.decideUseWorkspace(TestPlatform.caller("alice", Role.RESEARCHER), suspended, java.time.LocalDate.of(2026, 6, 1)).reason())
                .contains("is SUSPENDED");
        assertThat(policy.canManageWorkspace(TestPlatform.caller("alice", Role.RESEARCHER), suspended)).isTrue();
    }

    @Test
    void aKernelIsUsedOnlyThroughItsOwnWorkspaceByANamedResearcher() {
        var alice = TestPlatform.caller("alice", Role.RESEARCHER);
        var today = java.time.LocalDate.of(2026, 6, 1);
        assertThat(policy.canUseKernel(alice, permit, today, "W-1", "k-1", true)).isTrue();
        assertThat(policy.decideUseKernel(alice, permit, today, "W-1", "k-2", false).reason()).contains("kernel k-2 is not a kernel of workspace W-1");
        assertThatThrownBy(() -> policy.checkCanUseKernel(TestPlatform.caller("bob", Role.RESEARCHER), permit, today, "W-1", "k-1", true))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("bob is not named on permit P-0001");
        assertThat(policy.decideUseKernel(alice, permit.withState(PermitState.SUSPENDED), today, "W-1", "k-1", true).reason()).contains("is SUSPENDED");
        assertThat(policy.canUseKernel(TestPlatform.caller("oscar", Role.OPERATOR), permit, today, "W-1", "k-1", true)).isFalse();
    }

    @Test
    void aDesktopIsOpenedByNamedResearchersOnlyAndReplayedByAuditorsOnly() {
        var today = java.time.LocalDate.of(2026, 6, 1);
        assertThat(policy.canOpenDesktop(TestPlatform.caller("alice", Role.RESEARCHER), permit, today, "W-1")).isTrue();
        assertThatThrownBy(() -> policy.checkCanOpenDesktop(TestPlatform.caller("bob", Role.RESEARCHER), permit, today, "W-1"))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("bob is not named on permit P-0001");
        assertThat(policy.canOpenDesktop(TestPlatform.caller("carol", Role.OUTPUT_CHECKER), permit, today, "W-1")).isFalse();
        assertThat(policy.canOpenDesktop(TestPlatform.caller("oscar", Role.OPERATOR), permit, today, "W-1")).isFalse();
        assertThat(policy.decideOpenDesktop(TestPlatform.caller("alice", Role.RESEARCHER), permit.withState(PermitState.SUSPENDED), today, "W-1").reason())
                .contains("is SUSPENDED");
        assertThat(policy.canReplayDesktopRecording(TestPlatform.caller("erin", Role.AUDITOR))).isTrue();
        for (Role role : List.of(Role.RESEARCHER, Role.OUTPUT_CHECKER, Role.OPERATOR, Role.DATA_STEWARD)) {
            assertThat(policy.canReplayDesktopRecording(TestPlatform.caller("x", role))).as(role.name()).isFalse();
        }
    }

    @Test
    void nobodyReviewsTheirOwnRelease() {
        var both = new org.spe.core.account.Caller("alice", java.util.Set.of(Role.RESEARCHER, Role.OUTPUT_CHECKER), "s", "127.0.0.1");
        assertThat(policy.decideReviewRelease(both, "alice").reason()).contains("cannot review it");
        assertThat(policy.canReviewRelease(both, "bob")).isTrue();
    }

    private static Permit permitFor(String researcher) {
        var r = TestPlatform.pseudonymisedRequest();
        return new Permit("P-0001", 1, r.title(), r.purpose(), r.category(), r.level(), r.pseudonymisationJustification(), List.of(researcher),
                r.datasets(), r.linkages(), r.validFrom(), r.validUntil(), r.quota(), r.sdcProfile(), r.kAnonymity(), PermitState.ACTIVE,
                Instant.parse("2026-01-01T00:00:00Z"), "sam");
    }
}
