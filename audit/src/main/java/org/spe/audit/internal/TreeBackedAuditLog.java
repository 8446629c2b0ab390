package org.spe.audit.internal;

import static java.util.Objects.requireNonNull;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.audit.AuditActions;
import org.spe.audit.AuditActor;
import org.spe.audit.AuditLog;
import org.spe.audit.AuditLogSettings;
import org.spe.audit.AuditRecord;
import org.spe.audit.BundleReceipt;
import org.spe.audit.ConsistencyProof;
import org.spe.audit.InclusionProof;
import org.spe.audit.PurgeResult;
import org.spe.audit.SignedTreeHead;
import org.spe.audit.VerificationResult;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;
import org.spe.core.secrets.Ed25519KeyPair;

/**
 * What every audit log implementation shares: the in-memory Merkle tree of committed events,
 * tree-head signing, proofs, bundle export and retention purge. Subclasses provide storage and
 * call {@link #committed(List)} after each durable commit, in sequence order.
 *
 * <p>Thread-safe: the tree is guarded by its own lock; signing is serialised.
 */
public abstract class TreeBackedAuditLog implements AuditLog {
    private static final Logger log = LoggerFactory.getLogger(TreeBackedAuditLog.class);

    protected final Clock clock;
    protected final AuditLogSettings settings;
    private final Ed25519KeyPair key;
    private final MerkleTree tree = new MerkleTree();
    private final Object signingLock = new Object();
    private volatile SignedTreeHead latest;

    protected TreeBackedAuditLog(Clock clock, AuditLogSettings settings, Ed25519KeyPair key) {
        this.clock = requireNonNull(clock, "clock is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.key = requireNonNull(key, "key is null");
    }

    /** Adds committed leaf hashes (in sequence order) to the tree; proofs and heads then cover them. */
    protected final void committed(List<byte[]> leafHashes) {
        synchronized (tree) {
            for (byte[] leaf : leafHashes) {
                tree.append(leaf);
            }
        }
    }

    /** The compact range of the first {@code size} committed events. */
    protected final List<String> frontier(long size) {
        synchronized (tree) {
            return tree.frontier(size);
        }
    }

    /** Sets the latest stored head found at startup. */
    protected final void restoredHead(SignedTreeHead head) {
        this.latest = head;
    }

    /** The latest signed head, or null if none was signed yet. */
    protected final SignedTreeHead latestOrNull() {
        return latest;
    }

    /** Stores a newly signed head durably. */
    protected abstract void storeTreeHead(SignedTreeHead head);

    /** How many leading events were purged. */
    protected abstract long purgedSize();

    /** Calls {@code consumer} with the canonical bytes of each stored event in [from, to], in order. */
    protected abstract void forEachCanonical(long fromSequence, long toSequence, Consumer<byte[]> consumer);

    /** Records that an export covered {@code head}. */
    protected abstract void recordExport(SignedTreeHead head, String sha256, AuditActor actor);

    /** The largest tree size covered by a recorded export (0 if none). */
    protected abstract long exportedSize();

    /** The largest sequence number of an event recorded before {@code cutoff}, if any is still stored. */
    protected abstract OptionalLong lastSequenceBefore(Instant cutoff);

    /** Deletes stored events up to {@code sequence}, keeping their leaf hashes; returns how many were deleted. */
    protected abstract long deleteThrough(long sequence);

    /** Recomputes every hash and signature from storage. */
    protected abstract VerificationResult verifyStorage();

    @Override
    public long size() {
        synchronized (tree) {
            return tree.size();
        }
    }

    @Override
    public SignedTreeHead latestTreeHead() {
        SignedTreeHead current = latest;
        if (current != null && current.treeSize() == size()) {
            return current;
        }
        return signTreeHead();
    }

    /** Signs and stores a head over every committed event, unless the latest already covers them. */
    protected final SignedTreeHead signTreeHead() {
        synchronized (signingLock) {
            long size;
            byte[] root;
            synchronized (tree) {
                size = tree.size();
                root = tree.root(size);
            }
            SignedTreeHead current = latest;
            if (current != null && current.treeSize() == size) {
                return current;
            }
            Instant now = clock.instant();
            if (current != null && now.isBefore(current.time())) {
                now = current.time();
            }
            SignedTreeHead head = SignedTreeHead.sign(size, root, now, key);
            storeTreeHead(head);
            latest = head;
            return head;
        }
    }

    @Override
    public InclusionProof inclusionProof(long sequence, long treeSize) {
        synchronized (tree) {
            checkTreeSize(treeSize);
            if (sequence < 1 || sequence > treeSize) {
                throw SpeException.invalid("sequence %d is not in a tree of %d events", sequence, treeSize);
            }
            return new InclusionProof(sequence, treeSize, tree.leafHash(sequence - 1), tree.inclusionPath(sequence - 1, treeSize));
        }
    }

    @Override
    public ConsistencyProof consistencyProof(long firstSize, long secondSize) {
        synchronized (tree) {
            checkTreeSize(secondSize);
            if (firstSize < 1 || firstSize > secondSize) {
                throw SpeException.invalid("need 1 <= firstSize <= secondSize, got %d and %d", firstSize, secondSize);
            }
            return new ConsistencyProof(firstSize, secondSize, tree.consistencyPath(firstSize, secondSize));
        }
    }

    /** The root of the first {@code treeSize} committed events. */
    public byte[] rootHash(long treeSize) {
        synchronized (tree) {
            checkTreeSize(treeSize);
            return tree.root(treeSize);
        }
    }

    private void checkTreeSize(long treeSize) {
        if (treeSize < 1 || treeSize > tree.size()) {
            throw SpeException.invalid("tree size %d is not between 1 and the %d events logged", treeSize, tree.size());
        }
    }

    @Override
    public VerificationResult verify() {
        latestTreeHead();
        return verifyStorage();
    }

    @Override
    public BundleReceipt exportBundle(Path file, AuditActor actor) {
        requireNonNull(file, "file is null");
        requireNonNull(actor, "actor is null");
        SignedTreeHead head = latestTreeHead();
        long purged = purgedSize();
        List<String> frontier;
        synchronized (tree) {
            frontier = tree.frontier(purged);
        }
        MessageDigest sha256 = org.spe.audit.TreeHashes.newDigest();
        long[] count = {0};
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha256)) {
                BundleFormat.writeHeader(out, clock.instant(), key.publicKey(), head.treeSize(), purged, frontier);
                for (SignedTreeHead stored : treeHeads(head.treeSize())) {
                    BundleFormat.writeTreeHead(out, stored);
                }
                List<byte[]> group = new java.util.ArrayList<>(BundleFormat.LEAF_HASH_GROUP);
                forEachCanonical(purged + 1, head.treeSize(), canonical -> {
                    group.add(canonical);
                    if (group.size() == BundleFormat.LEAF_HASH_GROUP) {
                        writeGroup(out, purged + 1 + count[0], group);
                        count[0] += group.size();
                        group.clear();
                    }
                });
                writeGroup(out, purged + 1 + count[0], group);
                count[0] += group.size();
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new RetriableException("Cannot write audit bundle " + file + ": " + e.getMessage(), e);
        }
        String digest = HexFormat.of().formatHex(sha256.digest());
        recordExport(head, digest, actor);
        append(AuditRecord.builder(actor, AuditActions.AUDIT_EXPORT)
                .object("audit-bundle", file.getFileName().toString())
                .detail("treeSize", head.treeSize())
                .detail("eventCount", count[0])
                .detail("sha256", digest)
                .build());
        log.info("Exported {} audit events (tree size {}) to {}", count[0], head.treeSize(), file);
        return new BundleReceipt(file, head, count[0], digest);
    }

    @Override
    public BundleReceipt exportBundle(Path file, org.spe.audit.AuditQuery query, AuditActor actor) {
        requireNonNull(file, "file is null");
        requireNonNull(query, "query is null");
        requireNonNull(actor, "actor is null");
        SignedTreeHead head = latestTreeHead();
        MessageDigest sha256 = org.spe.audit.TreeHashes.newDigest();
        long[] count = {0};
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), sha256)) {
                BundleFormat.writeFilteredHeader(out, clock.instant(), key.publicKey(), head.treeSize(), query.toString());
                BundleFormat.writeTreeHead(out, head);
                org.spe.audit.AuditQuery forward = query.withCursor(java.util.Optional.empty());
                org.spe.audit.AuditExports.forEachMatch(this, new org.spe.audit.AuditQuery(forward.userId(), forward.permitId(),
                        forward.workspaceId(), forward.datasetId(), forward.action(), forward.outcome(), forward.from(), forward.to(),
                        org.spe.audit.AuditQuery.MAX_PAGE_SIZE, java.util.Optional.empty(), false), event -> {
                            if (event.sequence() > head.treeSize()) {
                                return;
                            }
                            try {
                                BundleFormat.writeProvenEvent(out, inclusionProof(event.sequence(), head.treeSize()), canonicalOf(event));
                                count[0]++;
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new RetriableException("Cannot write audit bundle " + file + ": " + e.getMessage(), e);
        }
        String digest = HexFormat.of().formatHex(sha256.digest());
        append(AuditRecord.builder(actor, AuditActions.AUDIT_EXPORT)
                .object("audit-bundle", file.getFileName().toString())
                .detail("treeSize", head.treeSize())
                .detail("eventCount", count[0])
                .detail("sha256", digest)
                .detail("query", query.toString())
                .build());
        log.info("Exported {} matching audit events (tree size {}) to {}", count[0], head.treeSize(), file);
        return new BundleReceipt(file, head, count[0], digest);
    }

    /** The stored canonical bytes of {@code event}: re-encoded, or read from storage if re-encoding differs. */
    private byte[] canonicalOf(org.spe.audit.AuditEvent event) {
        byte[] canonical = EventCodec.encode(event.sequence(), event.time(), event.record(), EventCodec.detailsJson(event.record().details()));
        if (HexFormat.of().formatHex(org.spe.audit.TreeHashes.leafHash(canonical)).equals(event.leafHash())) {
            return canonical;
        }
        byte[][] stored = new byte[1][];
        forEachCanonical(event.sequence(), event.sequence(), bytes -> stored[0] = bytes);
        return stored[0] == null ? canonical : stored[0];
    }

    private static void writeGroup(OutputStream out, long firstSequence, List<byte[]> group) {
        try {
            BundleFormat.writeEvents(out, firstSequence, group);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public PurgeResult purgeExpired(AuditActor actor) {
        requireNonNull(actor, "actor is null");
        Instant cutoff = clock.instant().minus(settings.retention());
        OptionalLong last = lastSequenceBefore(cutoff);
        long purgedBefore = purgedSize();
        if (last.isEmpty() || last.getAsLong() <= purgedBefore) {
            return new PurgeResult(purgedBefore, 0);
        }
        long through = last.getAsLong();
        long exported = exportedSize();
        if (exported < through) {
            throw SpeException.conflict("events up to %d are past retention but exports cover only %d; export the log first", through, exported);
        }
        long deleted = deleteThrough(through);
        append(AuditRecord.builder(actor, AuditActions.AUDIT_PURGE)
                .object("audit-log", "events")
                .detail("purgedThrough", through)
                .detail("eventCount", deleted)
                .detail("cutoff", cutoff.toString())
                .build());
        log.info("Purged {} audit events through sequence {} (older than {})", deleted, through, cutoff);
        return new PurgeResult(through, deleted);
    }

    @Override
    public byte[] publicKey() {
        return key.publicKey();
    }

    @Override
    public String publicKeyPem() {
        return key.publicKeyPem();
    }
}
