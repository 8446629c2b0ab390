package org.spe.audit;

import org.spe.core.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditMonitorTest {
    private static final Instant DAY = Instant.parse("2026-11-22T00:00:00Z");
    private static final AuditActor ALICE = new AuditActor("alice", "RESEARCHER", "s-1", "10.0.0.7");

    private final MutableClock clock = new MutableClock(DAY.plus(Duration.ofHours(9)));
    private final InMemoryAuditLog auditLog = new InMemoryAuditLog(clock);
    private final PermitValidityLookup permits = permit -> permit.equals("P-1")
            ? Optional.of(new PermitValidityLookup.Validity(DAY, DAY.plus(Duration.ofHours(12))))
            : Optional.empty();
    private final AuditMonitor monitor = new AuditMonitor(auditLog, clock, new MonitoringSettings(3, Duration.ofMinutes(10), 1000, 4, 2), permits);

    @Test
    void aBurstOfFailedLoginsRaisesOneAlertPerUserAndAddress() {
        for (int i = 0; i < 3; i++) {
            failedLogin("bob", "10.6.6.6");
            clock.advance(Duration.ofMinutes(2));
        }
        failedLogin("carol", "10.7.7.7");
        clock.advance(Duration.ofMinutes(30));
        failedLogin("dave", "10.8.8.8");
        failedLogin("dave", "10.8.8.9");
        clock.advance(Duration.ofMinutes(11));
        failedLogin("dave", "10.8.8.8");

        List<AuditAlert> alerts = runToday();

        assertThat(alerts).extracting(AuditAlert::rule, AuditAlert::subject, AuditAlert::eventCount, AuditAlert::firstSequence, AuditAlert::lastSequence)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("FAILED_LOGIN_BURST", "source:10.6.6.6", 3L, 1L, 3L),
                        org.assertj.core.groups.Tuple.tuple("FAILED_LOGIN_BURST", "user:bob", 3L, 1L, 3L));
    }

    @Test
    void accessOutsideAPermitsValidityIsFlaggedByLookupOrByDetail() {
        clock.set(DAY.plus(Duration.ofHours(11)));
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.SQL_EXECUTE).object("query", "inside").permit("P-1").build());
        clock.set(DAY.plus(Duration.ofHours(13)));
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.SQL_EXECUTE).object("query", "after").permit("P-1").build());
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.FILE_WRITE).object("file", "f").permit("P-2")
                .detail(AuditMonitor.OUTSIDE_PERMIT_VALIDITY_FLAG, true).build());

        List<AuditAlert> alerts = runToday();

        assertThat(alerts).extracting(AuditAlert::rule, AuditAlert::subject, AuditAlert::firstSequence)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("OUTSIDE_PERMIT_VALIDITY", "permit:P-1 user:alice", 2L),
                        org.assertj.core.groups.Tuple.tuple("OUTSIDE_PERMIT_VALIDITY", "permit:P-2 user:alice", 3L));
    }

    @Test
    void largeExtractsQueryVolumeAndRepeatedRejectionsRaiseAlerts() {
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.DATA_EXTRACT).object("extract", "e1").detail("rows", 999).build());
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.DATA_EXTRACT).object("extract", "e2").detail("rows", 5000).build());
        for (int i = 0; i < 4; i++) {
            auditLog.append(AuditRecord.builder(ALICE, i % 2 == 0 ? AuditActions.SQL_EXECUTE : AuditActions.NOTEBOOK_EXECUTE).object("q", "q" + i).build());
        }
        AuditActor carol = new AuditActor("carol", "OUTPUT_CHECKER", "s-3", "10.0.0.9");
        for (String decision : List.of("REJECTED", "APPROVED", "REJECTED")) {
            auditLog.append(AuditRecord.builder(carol, AuditActions.RELEASE_DECISION).object("release", "R-1").workspace("W-1")
                    .detail("decision", decision).build());
        }

        assertThat(runToday()).extracting(AuditAlert::rule, AuditAlert::subject, AuditAlert::eventCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("LARGE_EXTRACT", "user:alice", 1L),
                        org.assertj.core.groups.Tuple.tuple("QUERY_VOLUME", "user:alice", 4L),
                        org.assertj.core.groups.Tuple.tuple("REPEATED_REJECTED_RELEASES", "workspace:W-1", 2L));
    }

    @Test
    void alertsAreStoredOnceListedAndAudited() {
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.DATA_EXTRACT).object("extract", "e2").detail("rows", 5000).build());
        clock.set(DAY.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(5)));

        List<AuditAlert> first = monitor.runDaily();
        List<AuditAlert> second = monitor.runDaily();

        assertThat(first).hasSize(1);
        assertThat(first.get(0).windowStart()).isEqualTo(DAY);
        assertThat(first.get(0).windowEnd()).isEqualTo(DAY.plus(Duration.ofDays(1)));
        assertThat(second).isEmpty();
        assertThat(auditLog.alerts(DAY, DAY.plus(Duration.ofDays(2)))).containsExactlyElementsOf(first);
        assertThat(auditLog.search(AuditQuery.builder().action(AuditActions.AUDIT_ALERT).build()).events())
                .singleElement().satisfies(event -> assertThat(event.record().details()).containsEntry("rule", "LARGE_EXTRACT"));
    }

    @Test
    void theScheduleRunsFiveMinutesAfterUtcMidnight() {
        clock.set(Instant.parse("2026-11-22T23:00:00Z"));
        assertThat(monitor.delayUntilNextRun()).isEqualTo(Duration.ofMinutes(65));
    }

    private void failedLogin(String username, String address) {
        auditLog.append(AuditRecord.builder(AuditActor.anonymous(address), AuditActions.AUTH_LOGIN).object("user", username)
                .outcome(AuditOutcome.FAILED).reason("wrong password").detail("username", username).build());
    }

    private List<AuditAlert> runToday() {
        return monitor.run(DAY, DAY.plus(Duration.ofDays(1)));
    }
}
