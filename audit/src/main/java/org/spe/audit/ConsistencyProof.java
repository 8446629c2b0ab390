package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An RFC 6962 consistency proof that the tree of {@code firstSize} events is a prefix of the tree
 * of {@code secondSize} events. Immutable.
 */
public record ConsistencyProof(long firstSize, long secondSize, List<byte[]> path) {
    public ConsistencyProof {
        requireNonNull(path, "path is null");
        if (firstSize < 1 || firstSize > secondSize) {
            throw new IllegalArgumentException("need 1 <= firstSize <= secondSize: " + firstSize + ", " + secondSize);
        }
        path = path.stream().map(byte[]::clone).toList();
    }

    /** Whether this proof links the two roots. */
    public boolean verify(byte[] firstRoot, byte[] secondRoot) {
        return TreeHashes.verifyConsistency(firstSize, secondSize, firstRoot, secondRoot, path);
    }
}
