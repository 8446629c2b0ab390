package org.spe.audit;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The platform's tamper-evident audit log: an append-only sequence of events, each a leaf of an
 * RFC 6962 Merkle tree whose heads the platform signs with Ed25519.
 *
 * <p>Implementations are thread-safe. Methods that write block until the write is durably
 * committed; storage failures surface as {@link org.spe.core.RetriableException} (nothing was
 * recorded, the caller's action must not report success) and bad arguments as
 * {@link IllegalArgumentException} or {@link org.spe.core.SpeException} with category
 * {@code INVALID_INPUT} / {@code NOT_FOUND} / {@code CONFLICT}.
 */
public interface AuditLog extends AutoCloseable {
    /**
     * Records {@code record} and blocks until its event is durably committed; returns the event
     * with its sequence number. Concurrent calls are committed together in batches.
     */
    AuditEvent append(AuditRecord record);

    /**
     * Like {@link #append} but returns once the record is queued (blocking only while the queue is
     * full); the future completes when the event is committed, or exceptionally if it was not.
     */
    CompletableFuture<AuditEvent> appendAsync(AuditRecord record);

    /**
     * Writes {@code record} into the outbox within the caller's open transaction {@code tx}
     * (autocommit off), so a state change and its audit event commit or roll back together. The
     * log's sequencer gives committed outbox rows their sequence numbers shortly after (outbox
     * rows left by a crash are sequenced on restart). Does not commit.
     */
    void appendInTransaction(Connection tx, AuditRecord record);

    /** Blocks until every outbox row committed before this call has its sequence number. */
    void sequencePending();

    /** Number of events in the log (including purged ones). */
    long size();

    /** The event with {@code sequence}, if present (empty when beyond the end or purged). */
    Optional<AuditEvent> event(long sequence);

    /** One page of events matching {@code query}. */
    AuditPage search(AuditQuery query);

    /**
     * The latest signed tree head, first signing a new one if events were committed since the
     * last one. Blocks for the signature and its storage.
     */
    SignedTreeHead latestTreeHead();

    /** Every stored signed tree head with size at most {@code maxSize}, oldest first. */
    List<SignedTreeHead> treeHeads(long maxSize);

    /** Proof that event {@code sequence} is in the tree of {@code treeSize} events. */
    InclusionProof inclusionProof(long sequence, long treeSize);

    /** Proof that the tree of {@code firstSize} events is a prefix of the tree of {@code secondSize}. */
    ConsistencyProof consistencyProof(long firstSize, long secondSize);

    /**
     * Recomputes every leaf hash, root and signature from storage (after signing a tree head over
     * everything committed so far). Blocks; reads the whole log.
     */
    VerificationResult verify();

    /**
     * Writes a bundle of the whole log (JSON lines: header, signed tree heads, canonical events;
     * see docs/audit-log-schema.md) to {@code file}, ending with a freshly signed tree head;
     * records the export (which allows purging what it covers) and appends an
     * {@link AuditActions#AUDIT_EXPORT} event by {@code actor}.
     */
    BundleReceipt exportBundle(Path file, AuditActor actor);

    /**
     * Writes a bundle of only the events matching {@code query} (its cursor and page size are
     * ignored), each preceded by its inclusion proof in a freshly signed
     * tree head, so every event verifies offline; a filtered bundle proves that each event is in
     * the log unaltered, not that no other events match. Appends an
     * {@link AuditActions#AUDIT_EXPORT} event by {@code actor}; does not count as an export for
     * retention purposes.
     */
    BundleReceipt exportBundle(Path file, AuditQuery query, AuditActor actor);

    /**
     * Removes events older than the retention period, keeping their leaf hashes so the tree and
     * every signed head still verify; only events covered by a recorded export are removed, and
     * the purge itself is appended as an {@link AuditActions#AUDIT_PURGE} event by {@code actor}.
     */
    PurgeResult purgeExpired(AuditActor actor);

    /** Stores alerts not stored before (same rule, subject and window start); returns the new ones. */
    List<AuditAlert> recordAlerts(List<AuditAlert> alerts);

    /** Alerts raised in [{@code from}, {@code to}), oldest first. */
    List<AuditAlert> alerts(Instant from, Instant to);

    /** The raw 32-byte Ed25519 public key that verifies tree heads. */
    byte[] publicKey();

    /** The public key as PEM ("PUBLIC KEY", X.509 SubjectPublicKeyInfo), what {@code GET /api/v1/audit/public-key} serves. */
    String publicKeyPem();

    /** Stops accepting events, commits what was accepted, signs a final tree head. Blocks. */
    @Override
    void close();
}
