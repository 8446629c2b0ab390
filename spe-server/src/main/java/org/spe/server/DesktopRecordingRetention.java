package org.spe.server;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.audit.AuditActions;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;
import org.spe.workspace.desktop.EncryptedRecordingStore;

/**
 * Keeps desktop session recordings like the audit log: a recording whose last change is older
 * than the retention ({@code audit.retentionDays}) is deleted, and each deletion is a
 * {@code desktop.recording.purge} event by the system with the recording id as its object — the
 * id that {@code desktop.session.start} and {@code desktop.session.end} carry as
 * {@code recordingId}. Thread-safe; runs are serialised so two never race over the same files.
 */
public final class DesktopRecordingRetention {
    private static final Logger log = LoggerFactory.getLogger(DesktopRecordingRetention.class);

    private final EncryptedRecordingStore recordings;
    private final DomainEventSink events;
    private final Clock clock;
    private final Duration retention;

    /** @param retention positive; the audit log's retention */
    public DesktopRecordingRetention(EncryptedRecordingStore recordings, DomainEventSink events, Clock clock, Duration retention) {
        this.recordings = requireNonNull(recordings, "recordings is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.retention = requireNonNull(retention, "retention is null");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive: " + retention);
        }
    }

    /**
     * Deletes the recordings last changed more than the retention ago and audits each deletion,
     * oldest first; answers what was deleted. Blocks for the file deletions and until each event
     * is durable. A recording is deleted before its event is appended (as the audit log's own
     * purge does); each deletion is also logged, so one whose event could not be appended is not
     * lost without trace.
     *
     * @throws java.io.UncheckedIOException if the recordings cannot be listed (a recording that cannot be deleted is
     *     logged by the store and tried again next time)
     * @throws RuntimeException from the event sink if an event cannot be appended
     */
    public synchronized List<EncryptedRecordingStore.Stored> purgeExpired() {
        Instant cutoff = clock.instant().minus(retention);
        List<EncryptedRecordingStore.Stored> deleted = recordings.deleteOlderThan(cutoff);
        for (EncryptedRecordingStore.Stored recording : deleted) {
            log.info("Deleted desktop recording {} ({} bytes, last changed {}): past the retention of {} days",
                    recording.id(), recording.bytes(), recording.modified(), retention.toDays());
        }
        for (EncryptedRecordingStore.Stored recording : deleted) {
            events.record(DomainEvent.builder(Caller.system(), AuditActions.DESKTOP_RECORDING_PURGE).object("recording", recording.id())
                    .detail("bytes", recording.bytes()).detail("lastModified", recording.modified().toString())
                    .detail("retentionDays", retention.toDays()).detail("cutoff", cutoff.toString()).build());
        }
        return deleted;
    }
}
