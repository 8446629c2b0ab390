package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.spe.audit.internal.EventCodec;
import org.spe.audit.internal.StreamVerifier;
import org.spe.audit.internal.TreeBackedAuditLog;
import org.spe.core.secrets.Ed25519KeyPair;

/**
 * An audit log held in memory, with the same hashing, signing, proofs, search, export and purge
 * as the PostgreSQL log, for unit tests of other modules. Nothing survives the object.
 * {@link #appendInTransaction} appends at once (there is no transaction to join), so tests see
 * the event immediately. Thread-safe; every method is serialised on this object.
 */
public final class InMemoryAuditLog extends TreeBackedAuditLog {
    private final List<AuditEvent> events = new ArrayList<>();
    private final Map<Long, String> detailsJson = new LinkedHashMap<>();
    private final List<SignedTreeHead> heads = new ArrayList<>();
    private final List<AuditAlert> alerts = new ArrayList<>();
    private long purged;
    private long exported;
    private Instant lastTime = Instant.EPOCH;

    /** A log with default settings, a fresh random signing key, and {@code clock}. */
    public InMemoryAuditLog(Clock clock) {
        this(clock, AuditLogSettings.defaults(), Ed25519KeyPair.generate(new SecureRandom()));
    }

    public InMemoryAuditLog(Clock clock, AuditLogSettings settings, Ed25519KeyPair key) {
        super(clock, settings, key);
    }

    @Override
    public synchronized AuditEvent append(AuditRecord record) {
        requireNonNull(record, "record is null");
        long sequence = purged + events.size() + 1;
        Instant now = EventCodec.truncate(clock.instant());
        if (now.isBefore(lastTime)) {
            now = lastTime;
        }
        lastTime = now;
        String details = EventCodec.detailsJson(record.details());
        byte[] leaf = TreeHashes.leafHash(EventCodec.encode(sequence, now, record, details));
        AuditEvent event = new AuditEvent(sequence, now, record, HexFormat.of().formatHex(leaf));
        events.add(event);
        detailsJson.put(sequence, details);
        committed(List.of(leaf));
        return event;
    }

    @Override
    public CompletableFuture<AuditEvent> appendAsync(AuditRecord record) {
        return CompletableFuture.completedFuture(append(record));
    }

    @Override
    public void appendInTransaction(Connection tx, AuditRecord record) {
        append(record);
    }

    @Override
    public void sequencePending() {
        // appendInTransaction appends at once; nothing is ever pending.
    }

    @Override
    public synchronized Optional<AuditEvent> event(long sequence) {
        if (sequence <= purged || sequence > purged + events.size()) {
            return Optional.empty();
        }
        return Optional.of(events.get((int) (sequence - purged - 1)));
    }

    @Override
    public synchronized AuditPage search(AuditQuery query) {
        requireNonNull(query, "query is null");
        List<AuditEvent> ordered = new ArrayList<>(events);
        if (query.newestFirst()) {
            ordered.sort(Comparator.comparingLong(AuditEvent::sequence).reversed());
        }
        OptionalLong after = query.cursor().map(cursor -> OptionalLong.of(AuditQuery.cursorSequence(cursor))).orElse(OptionalLong.empty());
        List<AuditEvent> page = new ArrayList<>();
        boolean more = false;
        for (AuditEvent event : ordered) {
            if (after.isPresent() && (query.newestFirst() ? event.sequence() >= after.getAsLong() : event.sequence() <= after.getAsLong())) {
                continue;
            }
            if (!query.matches(event)) {
                continue;
            }
            if (page.size() == query.pageSize()) {
                more = true;
                break;
            }
            page.add(event);
        }
        Optional<String> next = more ? Optional.of(AuditQuery.cursorAfter(page.get(page.size() - 1).sequence())) : Optional.empty();
        return new AuditPage(page, next);
    }

    @Override
    public synchronized List<SignedTreeHead> treeHeads(long maxSize) {
        return heads.stream().filter(head -> head.treeSize() <= maxSize).toList();
    }

    @Override
    public synchronized List<AuditAlert> recordAlerts(List<AuditAlert> candidates) {
        List<AuditAlert> added = new ArrayList<>();
        for (AuditAlert candidate : candidates) {
            boolean known = alerts.stream().anyMatch(alert -> alert.rule().equals(candidate.rule())
                    && alert.subject().equals(candidate.subject()) && alert.windowStart().equals(candidate.windowStart()));
            if (!known) {
                alerts.add(candidate);
                added.add(candidate);
            }
        }
        return added;
    }

    @Override
    public synchronized List<AuditAlert> alerts(Instant from, Instant to) {
        return alerts.stream().filter(alert -> !alert.raisedAt().isBefore(from) && alert.raisedAt().isBefore(to))
                .sorted(Comparator.comparing(AuditAlert::raisedAt)).toList();
    }

    @Override
    public void close() {
        latestTreeHead();
    }

    @Override
    protected synchronized void storeTreeHead(SignedTreeHead head) {
        heads.add(head);
    }

    @Override
    protected synchronized long purgedSize() {
        return purged;
    }

    @Override
    protected synchronized void forEachCanonical(long fromSequence, long toSequence, Consumer<byte[]> consumer) {
        for (AuditEvent event : events) {
            if (event.sequence() >= fromSequence && event.sequence() <= toSequence) {
                consumer.accept(canonical(event));
            }
        }
    }

    private byte[] canonical(AuditEvent event) {
        return EventCodec.encode(event.sequence(), event.time(), event.record(), detailsJson.get(event.sequence()));
    }

    @Override
    protected synchronized void recordExport(SignedTreeHead head, String sha256, AuditActor actor) {
        exported = Math.max(exported, head.treeSize());
    }

    @Override
    protected synchronized long exportedSize() {
        return exported;
    }

    @Override
    protected synchronized OptionalLong lastSequenceBefore(Instant cutoff) {
        OptionalLong last = OptionalLong.empty();
        for (AuditEvent event : events) {
            if (!event.time().isBefore(cutoff)) {
                break;
            }
            last = OptionalLong.of(event.sequence());
        }
        return last;
    }

    @Override
    protected synchronized long deleteThrough(long sequence) {
        long count = 0;
        while (!events.isEmpty() && events.get(0).sequence() <= sequence) {
            detailsJson.remove(events.remove(0).sequence());
            purged++;
            count++;
        }
        return count;
    }

    @Override
    protected synchronized VerificationResult verifyStorage() {
        // The in-memory log keeps no separate leaf hashes for purged events; it proves its prefix from the tree.
        StreamVerifier verifier = new StreamVerifier(publicKey(), heads, purged, frontier(purged));
        for (AuditEvent event : events) {
            if (!verifier.accept(event.sequence(), canonical(event), HexFormat.of().parseHex(event.leafHash()))) {
                break;
            }
        }
        return verifier.finish();
    }
}
