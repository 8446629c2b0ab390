package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.audit.AuditActions;
import org.spe.audit.AuditActor;
import org.spe.audit.AuditEvent;
import org.spe.audit.AuditOutcome;
import org.spe.audit.AuditQuery;
import org.spe.audit.InMemoryAuditLog;
import org.spe.workspace.desktop.EncryptedRecordingStore;
import org.spe.workspace.desktop.RecordingSink;

class DesktopRecordingRetentionTest {
    private static final Instant NOW = Instant.parse("2027-03-01T12:00:00Z");
    private static final Duration RETENTION = Duration.ofDays(365);

    @TempDir
    Path directory;

    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final InMemoryAuditLog auditLog = new InMemoryAuditLog(clock);

    @Test
    void aRecordingPastTheRetentionIsDeletedAndItsDeletionAuditedByTheSystem() throws IOException {
        EncryptedRecordingStore recordings = new EncryptedRecordingStore(directory, new byte[32]);
        record(recordings, "aged");
        record(recordings, "kept");
        Instant agedChange = NOW.minus(RETENTION).minusSeconds(60);
        Files.setLastModifiedTime(directory.resolve("aged.guac.enc"), FileTime.from(agedChange));
        Files.setLastModifiedTime(directory.resolve("kept.guac.enc"), FileTime.from(NOW.minus(RETENTION).plusSeconds(60)));
        long agedBytes = Files.size(directory.resolve("aged.guac.enc"));
        DesktopRecordingRetention retention = new DesktopRecordingRetention(recordings, new PlatformEvents(auditLog), clock, RETENTION);

        List<EncryptedRecordingStore.Stored> deleted = retention.purgeExpired();

        assertThat(deleted).extracting(EncryptedRecordingStore.Stored::id).containsExactly("aged");
        assertThat(recordings.exists("aged")).isFalse();
        assertThat(recordings.read("kept").complete()).isTrue();
        List<AuditEvent> events = auditLog.search(AuditQuery.builder().action(AuditActions.DESKTOP_RECORDING_PURGE).build()).events();
        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.record().actor()).isEqualTo(AuditActor.system());
            assertThat(event.record().objectType()).isEqualTo("recording");
            assertThat(event.record().objectId()).isEqualTo("aged");
            assertThat(event.record().outcome()).isEqualTo(AuditOutcome.SUCCESS);
            assertThat(event.record().details()).containsEntry("lastModified", agedChange.toString())
                    .containsEntry("retentionDays", 365L).containsEntry("cutoff", NOW.minus(RETENTION).toString());
            assertThat(((Number) event.record().details().get("bytes")).longValue()).isEqualTo(agedBytes);
        });

        assertThat(retention.purgeExpired()).isEmpty();
        assertThat(auditLog.search(AuditQuery.builder().action(AuditActions.DESKTOP_RECORDING_PURGE).build()).events()).hasSize(1);
    }

    @Test
    void withoutRecordingsNothingIsDeletedOrAudited() {
        EncryptedRecordingStore recordings = new EncryptedRecordingStore(directory.resolve("desktop-recordings"), new byte[32]);

        assertThat(new DesktopRecordingRetention(recordings, new PlatformEvents(auditLog), clock, RETENTION).purgeExpired()).isEmpty();
        assertThat(auditLog.search(AuditQuery.builder().build()).events()).isEmpty();
        assertThatThrownBy(() -> new DesktopRecordingRetention(recordings, new PlatformEvents(auditLog), clock, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention must be positive");
    }

    private static void record(EncryptedRecordingStore recordings, String id) {
        try (RecordingSink sink = recordings.create(id)) {
            sink.append("4.sync,1.1;");
        }
    }
}
