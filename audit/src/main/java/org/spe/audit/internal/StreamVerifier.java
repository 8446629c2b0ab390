package org.spe.audit.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import org.spe.audit.SignedTreeHead;
import org.spe.audit.TreeHashes;
import org.spe.audit.VerificationResult;

/**
 * Verifies a log as a stream of events in sequence order, in constant memory: each event's leaf
 * hash is recomputed from its canonical bytes (and compared with the stored leaf hash, where
 * storage keeps one), appended to a {@link CompactRange}, and whenever the range reaches the size
 * of a signed tree head, the head's signature and root are checked.
 *
 * <p>Reports the first failure: a gap or reordering names the sequence expected; a leaf hash
 * mismatch names that event; a tree head whose signature or root fails names the first sequence
 * after the last verified head (everything from there on is unproven); tree heads beyond the
 * last event (a truncated tail) name the first missing sequence.
 *
 * <p>Not thread-safe.
 */
public final class StreamVerifier {
    private final byte[] publicKey;
    private final List<SignedTreeHead> heads;
    private final CompactRange range;
    private int nextHead;
    private long verifiedSize;
    private long eventCount;
    private OptionalLong firstBad = OptionalLong.empty();
    private String message = "";

    /**
     * @param prefix the compact range of the purged prefix (size 0 if nothing was purged); its
     *     hashes are proven by the first tree head at or after its size
     */
    public StreamVerifier(byte[] publicKey, List<SignedTreeHead> treeHeads, long prefixSize, List<String> prefixFrontier) {
        this.publicKey = publicKey.clone();
        this.heads = new ArrayList<>(treeHeads);
        this.heads.sort(Comparator.comparingLong(SignedTreeHead::treeSize));
        this.range = CompactRange.fromFrontier(prefixSize, prefixFrontier);
        while (nextHead < heads.size() && heads.get(nextHead).treeSize() < prefixSize && intact()) {
            SignedTreeHead head = heads.get(nextHead++);
            if (!head.verifySignature(publicKey)) {
                fail(1, "tree head of size " + head.treeSize() + " has an invalid signature");
            }
        }
        checkHeadsAtCurrentSize();
    }

    /** Whether no failure has been found so far. */
    public boolean intact() {
        return firstBad.isEmpty();
    }

    /** The sequence number the next event must have. */
    public long expectedSequence() {
        return range.size() + 1;
    }

    /**
     * Accepts the next event. {@code storedLeafHash} may be null where storage keeps none.
     * Returns whether verification may go on.
     */
    public boolean accept(long sequence, byte[] canonical, byte[] storedLeafHash) {
        return acceptLeaf(sequence, TreeHashes.leafHash(canonical), storedLeafHash);
    }

    /** Like {@link #accept} with the leaf hash already computed from the canonical bytes. */
    public boolean acceptLeaf(long sequence, byte[] leaf, byte[] storedLeafHash) {
        if (!intact()) {
            return false;
        }
        long expected = range.size() + 1;
        if (sequence != expected) {
            return fail(expected, sequence > expected
                    ? "event " + expected + " is missing (next present is " + sequence + ")"
                    : "event " + sequence + " appears out of order where " + expected + " was expected");
        }
        if (storedLeafHash != null && !Arrays.equals(leaf, storedLeafHash)) {
            return fail(sequence, "event content does not match its stored leaf hash");
        }
        range.append(leaf);
        eventCount++;
        return checkHeadsAtCurrentSize();
    }

    private boolean checkHeadsAtCurrentSize() {
        while (intact() && nextHead < heads.size() && heads.get(nextHead).treeSize() == range.size()) {
            SignedTreeHead head = heads.get(nextHead++);
            if (!head.verifySignature(publicKey)) {
                return fail(verifiedSize + 1, "tree head of size " + head.treeSize() + " has an invalid signature");
            }
            if (!Arrays.equals(head.rootHash(), range.root())) {
                return fail(verifiedSize + 1, "events " + (verifiedSize + 1) + ".." + head.treeSize()
                        + " do not hash to the root signed for size " + head.treeSize());
            }
            verifiedSize = head.treeSize();
        }
        return intact();
    }

    /** Ends the stream and returns the result. */
    public VerificationResult finish() {
        if (intact() && nextHead < heads.size()) {
            SignedTreeHead head = heads.get(heads.size() - 1);
            fail(range.size() + 1, "the log ends at " + range.size() + " but a signed tree head covers " + head.treeSize() + " events");
        }
        if (intact()) {
            long unsigned = range.size() - verifiedSize;
            message = unsigned == 0 ? "all events covered by a signed tree head"
                    : unsigned + " newest events not yet covered by a signed tree head";
        }
        return new VerificationResult(eventCount, verifiedSize, firstBad, message);
    }

    private boolean fail(long sequence, String reason) {
        if (intact()) {
            firstBad = OptionalLong.of(sequence);
            message = reason;
        }
        return false;
    }
}
