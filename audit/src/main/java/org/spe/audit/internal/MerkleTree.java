package org.spe.audit.internal;

import java.util.ArrayList;
import java.util.List;
import org.spe.audit.TreeHashes;

/**
 * An append-only RFC 6962 Merkle tree kept in memory: every leaf hash and the hash of every
 * complete aligned power-of-two subtree (about 64 bytes per leaf), so roots of any earlier size,
 * inclusion proofs and consistency proofs take O(log^2 n) hash operations.
 *
 * <p>Not thread-safe: callers hold a lock around each call.
 */
final class MerkleTree {
    private static final int CHUNK_HASHES = 1 << 15;

    /** Hashes stored in chunks, so growth never copies the whole array. */
    private static final class HashArray {
        private final List<byte[]> chunks = new ArrayList<>();
        private long size;

        void add(byte[] hash) {
            int offset = (int) (size % CHUNK_HASHES) * TreeHashes.HASH_LENGTH;
            if (offset == 0) {
                chunks.add(new byte[CHUNK_HASHES * TreeHashes.HASH_LENGTH]);
            }
            System.arraycopy(hash, 0, chunks.get(chunks.size() - 1), offset, TreeHashes.HASH_LENGTH);
            size++;
        }

        byte[] get(long index) {
            byte[] chunk = chunks.get((int) (index / CHUNK_HASHES));
            int offset = (int) (index % CHUNK_HASHES) * TreeHashes.HASH_LENGTH;
            byte[] hash = new byte[TreeHashes.HASH_LENGTH];
            System.arraycopy(chunk, offset, hash, 0, TreeHashes.HASH_LENGTH);
            return hash;
        }
    }

    private final List<HashArray> levels = new ArrayList<>();

    MerkleTree() {
        levels.add(new HashArray());
    }

    long size() {
        return levels.get(0).size;
    }

    void append(byte[] leafHash) {
        levels.get(0).add(leafHash);
        int level = 0;
        while ((levels.get(level).size & 1) == 0) {
            HashArray current = levels.get(level);
            byte[] combined = TreeHashes.nodeHash(current.get(current.size - 2), current.get(current.size - 1));
            if (levels.size() == level + 1) {
                levels.add(new HashArray());
            }
            levels.get(level + 1).add(combined);
            level++;
        }
    }

    byte[] leafHash(long index) {
        return levels.get(0).get(index);
    }

    /** Root of the first {@code treeSize} leaves (the SHA-256 of nothing for an empty tree). */
    byte[] root(long treeSize) {
        checkSize(treeSize);
        if (treeSize == 0) {
            return TreeHashes.newDigest().digest();
        }
        return hash(0, treeSize);
    }

    /** RFC 6962 PATH(m, D[n]). */
    List<byte[]> inclusionPath(long leafIndex, long treeSize) {
        checkSize(treeSize);
        if (leafIndex < 0 || leafIndex >= treeSize) {
            throw new IllegalArgumentException("leaf " + leafIndex + " is not in a tree of " + treeSize);
        }
        List<byte[]> path = new ArrayList<>();
        inclusionPath(leafIndex, 0, treeSize, path);
        return path;
    }

    private void inclusionPath(long index, long start, long size, List<byte[]> path) {
        if (size == 1) {
            return;
        }
        long split = Long.highestOneBit(size - 1);
        if (index < split) {
            inclusionPath(index, start, split, path);
            path.add(hash(start + split, size - split));
        } else {
            inclusionPath(index - split, start + split, size - split, path);
            path.add(hash(start, split));
        }
    }

    /** RFC 6962 PROOF(m, D[n]). */
    List<byte[]> consistencyPath(long firstSize, long secondSize) {
        checkSize(secondSize);
        if (firstSize < 1 || firstSize > secondSize) {
            throw new IllegalArgumentException("need 1 <= firstSize <= secondSize: " + firstSize + ", " + secondSize);
        }
        List<byte[]> path = new ArrayList<>();
        if (firstSize < secondSize) {
            subproof(firstSize, 0, secondSize, true, path);
        }
        return path;
    }

    private void subproof(long m, long start, long n, boolean whole, List<byte[]> path) {
        if (m == n) {
            if (!whole) {
                path.add(hash(start, n));
            }
            return;
        }
        long split = Long.highestOneBit(n - 1);
        if (m <= split) {
            subproof(m, start, split, whole, path);
            path.add(hash(start + split, n - split));
        } else {
            subproof(m - split, start + split, n - split, false, path);
            path.add(hash(start, split));
        }
    }

    /** MTH(D[start, start+size)); complete aligned subtrees come from the stored levels. */
    byte[] hash(long start, long size) {
        if (Long.bitCount(size) == 1 && start % size == 0) {
            int level = Long.numberOfTrailingZeros(size);
            return levels.get(level).get(start >> level);
        }
        long split = Long.highestOneBit(size - 1);
        return TreeHashes.nodeHash(hash(start, split), hash(start + split, size - split));
    }

    /** The compact range (complete subtree hashes, largest first, base64) of the first {@code size} leaves. */
    List<String> frontier(long size) {
        checkSize(size);
        List<String> frontier = new ArrayList<>();
        long start = 0;
        for (int height = 63; height >= 0; height--) {
            long subtree = 1L << height;
            if ((size & subtree) != 0) {
                frontier.add(java.util.Base64.getEncoder().encodeToString(hash(start, subtree)));
                start += subtree;
            }
        }
        return frontier;
    }

    private void checkSize(long treeSize) {
        if (treeSize < 0 || treeSize > size()) {
            throw new IllegalArgumentException("tree size " + treeSize + " is beyond the " + size() + " events logged");
        }
    }
}
