package org.spe.audit.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.spe.audit.TreeHashes;

/**
 * The hashes of the complete aligned subtrees covering leaves [0, size) (at most 64 of them,
 * largest first): enough to compute the root of the current size and to keep appending. This is
 * how verification streams millions of leaves in constant memory, and how a purged prefix is
 * summarised in a bundle.
 *
 * <p>Not thread-safe.
 */
final class CompactRange {
    private final List<byte[]> hashes = new ArrayList<>();
    private final List<Integer> heights = new ArrayList<>();
    private long size;

    long size() {
        return size;
    }

    void append(byte[] leafHash) {
        byte[] hash = leafHash;
        int height = 0;
        while (!heights.isEmpty() && heights.get(heights.size() - 1) == height) {
            hash = TreeHashes.nodeHash(hashes.remove(hashes.size() - 1), hash);
            heights.remove(heights.size() - 1);
            height++;
        }
        hashes.add(hash);
        heights.add(height);
        size++;
    }

    byte[] root() {
        if (hashes.isEmpty()) {
            return TreeHashes.newDigest().digest();
        }
        byte[] root = hashes.get(hashes.size() - 1);
        for (int i = hashes.size() - 2; i >= 0; i--) {
            root = TreeHashes.nodeHash(hashes.get(i), root);
        }
        return root;
    }

    /** The subtree hashes, largest first, in base64. */
    List<String> frontier() {
        return hashes.stream().map(hash -> Base64.getEncoder().encodeToString(hash)).toList();
    }

    /** Rebuilds the range of {@code size} leaves from its {@link #frontier()}. */
    static CompactRange fromFrontier(long size, List<String> frontier) {
        CompactRange range = new CompactRange();
        if (Long.bitCount(size) != frontier.size()) {
            throw new IllegalArgumentException("a prefix of " + size + " leaves has " + Long.bitCount(size) + " subtree hashes, not " + frontier.size());
        }
        long remaining = size;
        for (String encoded : frontier) {
            int height = 63 - Long.numberOfLeadingZeros(remaining);
            byte[] hash = Base64.getDecoder().decode(encoded);
            if (hash.length != TreeHashes.HASH_LENGTH) {
                throw new IllegalArgumentException("a subtree hash must be 32 bytes");
            }
            range.hashes.add(hash);
            range.heights.add(height);
            remaining -= 1L << height;
        }
        range.size = size;
        return range;
    }
}
