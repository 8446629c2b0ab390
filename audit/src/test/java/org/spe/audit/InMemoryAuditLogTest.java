package org.spe.audit;

import org.spe.core.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.audit.internal.BundleFormat;
import org.spe.core.SpeException;

class InMemoryAuditLogTest {
    private static final AuditActor ERIN = new AuditActor("erin", "AUDITOR", "s-5", "10.0.0.5");

    @TempDir
    Path directory;

    @Test
    void purgingNeedsAnExportThenKeepsTheTreeVerifiable() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2024-01-01T00:00:00Z"));
        InMemoryAuditLog auditLog = new InMemoryAuditLog(clock);
        for (int i = 0; i < 5; i++) {
            auditLog.append(AuditRecord.builder(ERIN, AuditActions.AUDIT_SEARCH).object("query", "old-" + i).build());
        }
        SignedTreeHead old = auditLog.latestTreeHead();
        clock.advance(Duration.ofDays(400));
        auditLog.append(AuditRecord.builder(ERIN, AuditActions.AUDIT_SEARCH).object("query", "recent").build());

        assertThatThrownBy(() -> auditLog.purgeExpired(ERIN)).isInstanceOf(SpeException.class)
                .hasMessageContaining("events up to 5 are past retention but exports cover only 0");

        auditLog.exportBundle(directory.resolve("before-purge.jsonl"), ERIN);
        PurgeResult purge = auditLog.purgeExpired(ERIN);

        assertThat(purge).isEqualTo(new PurgeResult(5, 5));
        assertThat(auditLog.event(3)).isEmpty();
        assertThat(auditLog.search(AuditQuery.builder().action(AuditActions.AUDIT_PURGE).build()).events())
                .singleElement().satisfies(event -> assertThat(event.record().details()).containsEntry("purgedThrough", 5L));
        assertThat(auditLog.verify().summary()).isEqualTo("OK 3 events");
        assertThat(auditLog.consistencyProof(old.treeSize(), auditLog.size()).verify(old.rootHash(), auditLog.latestTreeHead().rootHash())).isTrue();
        assertThat(auditLog.purgeExpired(ERIN)).isEqualTo(new PurgeResult(5, 0));

        Path afterPurge = directory.resolve("after-purge.jsonl");
        auditLog.exportBundle(afterPurge, ERIN);
        assertThat(Files.readAllLines(afterPurge).get(0)).contains("\"purgedSize\":5");
        assertThat(BundleFormat.verify(afterPurge, auditLog.publicKey()).summary()).isEqualTo("OK 3 events");
    }

    @Test
    void retentionDefaultsToAYear() {
        assertThat(AuditLogSettings.defaults().retention()).isEqualTo(Duration.ofDays(365));
        assertThatThrownBy(() -> AuditLogSettings.defaults().withRetention(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention must be positive");
    }
}
