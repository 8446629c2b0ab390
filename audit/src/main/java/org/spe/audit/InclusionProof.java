package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An RFC 6962 audit path proving that the event with {@code sequence} (leaf index
 * {@code sequence - 1}) and {@code leafHash} is in the tree of {@code treeSize} events. Hashes
 * are ordered from the leaf up. Immutable.
 */
public record InclusionProof(long sequence, long treeSize, byte[] leafHash, List<byte[]> path) {
    public InclusionProof {
        requireNonNull(leafHash, "leafHash is null");
        requireNonNull(path, "path is null");
        if (sequence < 1 || sequence > treeSize) {
            throw new IllegalArgumentException("sequence " + sequence + " is not in a tree of " + treeSize);
        }
        leafHash = leafHash.clone();
        path = path.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] leafHash() {
        return leafHash.clone();
    }

    /** Whether this proof leads to {@code rootHash}. */
    public boolean verify(byte[] rootHash) {
        return TreeHashes.verifyInclusion(sequence - 1, treeSize, leafHash, path, rootHash);
    }

    /** Size of the proof's hashes in bytes. */
    public int sizeBytes() {
        return TreeHashes.HASH_LENGTH * (path.size() + 1);
    }
}
