package org.spe.workspace.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.core.AccessDeniedException;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.event.EventOutcome;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitState;
import org.spe.core.testing.TestPlatform;

/** The lifecycle over a real PostgreSQL, with a hand-written environment double for the side effects. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkspaceServiceIT {
    private static final Caller ALICE = TestPlatform.caller("alice", Role.RESEARCHER);
    private static final Caller MALLORY = TestPlatform.caller("mallory", Role.RESEARCHER);
    private static final Caller SAM = TestPlatform.caller("sam", Role.DATA_STEWARD);
    private static final Caller OSCAR = TestPlatform.caller("oscar", Role.OPERATOR);

    private TestPlatform platform;
    private InMemoryWorkspaceEnvironment environment;
    private WorkspaceService workspaces;

    @BeforeAll
    void start() {
        platform = new TestPlatform();
        platform.database.migrate("workspace");
        environment = new InMemoryWorkspaceEnvironment();
        workspaces = new WorkspaceService(platform.database.app(), platform.policy, platform.events, platform.clock, platform.permits, environment,
                document -> Base64.getEncoder().encodeToString(("signed:" + document.length).getBytes()));
    }

    @AfterAll
    void stop() {
        platform.close();
    }

    private Permit permit() {
        return platform.permits.create(SAM, TestPlatform.pseudonymisedRequest());
    }

    @Test
    void requestProvisionSuspendResumeDestroy() {
        Permit permit = permit();
        Workspace requested = workspaces.request(ALICE, permit.id(), "diabetes study");
        assertThat(requested.state()).isEqualTo(WorkspaceState.REQUESTED);
        Workspace ready = workspaces.provision(requested.id());
        assertThat(ready.state()).isEqualTo(WorkspaceState.READY);
        assertThat(environment.running).contains(ready.id());

        assertThat(workspaces.suspend(ALICE, ready.id()).state()).isEqualTo(WorkspaceState.SUSPENDED);
        assertThat(environment.running).doesNotContain(ready.id());
        assertThat(workspaces.resume(ALICE, ready.id()).state()).isEqualTo(WorkspaceState.READY);
        assertThat(environment.running).contains(ready.id());

        Workspace destroyed = workspaces.destroy(ALICE, ready.id());
        assertThat(destroyed.state()).isEqualTo(WorkspaceState.DESTROYED);
        assertThat(environment.running).doesNotContain(ready.id());
        assertThat(environment.wiped).contains(ready.id());
        assertThat(workspaces.certificate(ready.id())).get().satisfies(c -> assertThat(c[0]).contains("outputs/table.csv"));
        assertThat(platform.events.events()).filteredOn(e -> e.workspaceId().filter(ready.id()::equals).isPresent())
                .extracting(e -> e.action()).containsSubsequence("workspace.request", "workspace.provision", "workspace.ready",
                        "workspace.suspend", "workspace.ready", "workspace.destroy", "workspace.destroyed");
    }

    @Test
    void onlyResearchersNamedOnThePermitGetWorkspacesAndDenialsAreAudited() {
        Permit permit = permit();
        assertThatThrownBy(() -> workspaces.request(MALLORY, permit.id(), "snooping")).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("mallory is not named on permit " + permit.id());
        assertThatThrownBy(() -> workspaces.request(OSCAR, permit.id(), "ops")).isInstanceOf(AccessDeniedException.class);
        Workspace workspace = workspaces.provision(workspaces.request(ALICE, permit.id(), "mine").id());
        assertThatThrownBy(() -> workspaces.get(MALLORY, workspace.id())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> workspaces.suspend(MALLORY, workspace.id())).isInstanceOf(AccessDeniedException.class);
        assertThat(workspaces.list(MALLORY)).isEmpty();
        assertThat(workspaces.list(ALICE)).extracting(Workspace::id).contains(workspace.id());
        assertThat(platform.events.events()).anyMatch(e -> e.outcome() == EventOutcome.DENIED && e.caller().userId().equals("mallory")
                && e.action().equals("workspace.request"));
        assertThat(workspaces.find(workspace.id()).orElseThrow().state()).isEqualTo(WorkspaceState.READY);
    }

    @Test
    void aFailedProvisionEndsFailedWithTheReasonAndNothingRunning() {
        Permit permit = permit();
        environment.failPrepare = true;
        try {
            Workspace failed = workspaces.provision(workspaces.request(ALICE, permit.id(), "broken").id());
            assertThat(failed.state()).isEqualTo(WorkspaceState.FAILED);
            assertThat(failed.failure()).get().asString().contains("column points is missing");
            assertThat(environment.running).doesNotContain(failed.id());
        } finally {
            environment.failPrepare = false;
        }
    }

    @Test
    void aSuspendedPermitLocksItsWorkspacesAtOnceAndAfterTheGraceTheyAreWipedWithACertificate() {
        Permit permit = permit();
        Workspace ready = workspaces.provision(workspaces.request(ALICE, permit.id(), "to be locked").id());
        platform.permits.changeState(SAM, permit.id(), PermitState.SUSPENDED, "investigation");
        workspaces.enforcePermits(Duration.ofDays(30));
        assertThat(workspaces.find(ready.id()).orElseThrow().state()).isEqualTo(WorkspaceState.LOCKED);
        assertThat(environment.running).doesNotContain(ready.id());
        assertThatThrownBy(() -> workspaces.resume(ALICE, ready.id())).isInstanceOf(AccessDeniedException.class);

        platform.clock.advance(Duration.ofDays(31));
        workspaces.enforcePermits(Duration.ofDays(30));
        assertThat(workspaces.find(ready.id()).orElseThrow().state()).isEqualTo(WorkspaceState.DESTROYED);
        assertThat(workspaces.certificate(ready.id())).isPresent();
        assertThat(platform.events.events()).anyMatch(e -> e.action().equals("workspace.lock") && e.workspaceId().orElse("").equals(ready.id()));
    }

    @Test
    void aPermitEndingWhileItsWorkspaceStartsLeavesItLockedAndStopped() {
        Permit permit = permit();
        Workspace requested = workspaces.request(ALICE, permit.id(), "locked while starting");
        environment.duringStart = () -> workspaces.lockPermit(permit.id(), "permit revoked while the workspace started");
        try {
            assertThatThrownBy(() -> workspaces.provision(requested.id())).isInstanceOf(SpeException.class);
        } finally {
            environment.duringStart = null;
        }
        assertThat(workspaces.find(requested.id()).orElseThrow().state()).isEqualTo(WorkspaceState.LOCKED);
        assertThat(environment.running).as("nothing runs for a locked workspace").doesNotContain(requested.id());
    }

    @Test
    void aLockedWorkspaceThatStillRunsIsStoppedByHousekeeping() {
        Permit permit = permit();
        Workspace ready = workspaces.provision(workspaces.request(ALICE, permit.id(), "stop failed").id());
        workspaces.lockPermit(permit.id(), "permit suspended");
        environment.running.add(ready.id()); // as if its stop had failed
        workspaces.enforcePermits(Duration.ofDays(30));
        assertThat(environment.running).doesNotContain(ready.id());
        assertThat(workspaces.find(ready.id()).orElseThrow().state()).isEqualTo(WorkspaceState.LOCKED);
    }

    @Test
    void idleWorkspacesAreSuspended() {
        Permit permit = permit();
        Workspace ready = workspaces.provision(workspaces.request(ALICE, permit.id(), "idle").id());
        platform.clock.advance(Duration.ofHours(3));
        assertThat(workspaces.suspendIdle(Duration.ofHours(2))).extracting(Workspace::id).contains(ready.id());
        assertThat(environment.running).doesNotContain(ready.id());
    }

    @Test
    void reconciliationLeavesEveryWorkspaceConsistent() {
        Permit permit = permit();
        Workspace requested = workspaces.request(ALICE, permit.id(), "requested before crash");
        Workspace readyButDead = workspaces.provision(workspaces.request(ALICE, permit.id(), "ready but processes died").id());
        environment.running.remove(readyButDead.id());
        Workspace suspended = workspaces.suspend(ALICE, workspaces.provision(workspaces.request(ALICE, permit.id(), "suspended").id()).id());
        environment.running.add(suspended.id()); // an orphan process left by the crash

        workspaces.reconcile();

        assertThat(workspaces.find(requested.id()).orElseThrow().state()).isEqualTo(WorkspaceState.READY);
        assertThat(environment.running).contains(requested.id(), readyButDead.id()).doesNotContain(suspended.id());
        for (Workspace workspace : workspaces.all()) {
            assertThat(environment.running.contains(workspace.id())).as(workspace.id() + " " + workspace.state())
                    .isEqualTo(WorkspaceTransitions.running(workspace.state()));
        }
    }

    @Test
    void badNamesAndUnknownPermitsAreRefused() {
        assertThatThrownBy(() -> workspaces.request(ALICE, "P-9999", "x")).isInstanceOf(SpeException.class).hasMessageContaining("does not exist");
        Permit permit = permit();
        assertThatThrownBy(() -> workspaces.request(ALICE, permit.id(), "../../etc")).isInstanceOf(SpeException.class).hasMessageContaining("workspace name");
        assertThat(workspaces.byPermit(permit.id())).isEmpty();
    }
}
