package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6962 / RFC 9162 Merkle tree hashing with SHA-256 ({@code leaf = H(0x00 || data)},
 * {@code node = H(0x01 || left || right)}) and the RFC 9162 algorithms that verify inclusion and
 * consistency proofs. Stateless and thread-safe; these are what an independent verifier needs,
 * and they share no code with the proof generator.
 */
public final class TreeHashes {
    /** Length of a SHA-256 hash in bytes. */
    public static final int HASH_LENGTH = 32;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(TreeHashes::newDigest);

    private TreeHashes() {}

    /** A new SHA-256 digest. */
    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** {@code H(0x00 || data)}. */
    public static byte[] leafHash(byte[] data) {
        return leafHash(data, 0, data.length);
    }

    /** {@code H(0x00 || data[offset, offset+length))}. */
    public static byte[] leafHash(byte[] data, int offset, int length) {
        MessageDigest digest = SHA256.get();
        digest.update((byte) 0);
        digest.update(data, offset, length);
        return digest.digest();
    }

    /** {@code H(0x01 || left || right)}. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest digest = SHA256.get();
        digest.update((byte) 1);
        digest.update(left);
        digest.update(right);
        return digest.digest();
    }

    /** The Merkle tree hash of {@code leafHashes} by the RFC 6962 definition (O(n); for checks). */
    public static byte[] rootOf(List<byte[]> leafHashes) {
        requireNonNull(leafHashes, "leafHashes is null");
        if (leafHashes.isEmpty()) {
            return SHA256.get().digest();
        }
        return subtreeRoot(leafHashes, 0, leafHashes.size());
    }

    private static byte[] subtreeRoot(List<byte[]> leaves, int start, int size) {
        if (size == 1) {
            return leaves.get(start);
        }
        int split = Integer.highestOneBit(size - 1);
        return nodeHash(subtreeRoot(leaves, start, split), subtreeRoot(leaves, start + split, size - split));
    }

    /**
     * RFC 9162 section 2.1.3.2: whether {@code path} proves that {@code leafHash} is leaf
     * {@code leafIndex} of the tree of {@code treeSize} leaves with root {@code rootHash}.
     */
    public static boolean verifyInclusion(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path, byte[] rootHash) {
        requireNonNull(leafHash, "leafHash is null");
        requireNonNull(path, "path is null");
        requireNonNull(rootHash, "rootHash is null");
        if (leafIndex < 0 || leafIndex >= treeSize) {
            return false;
        }
        long fn = leafIndex;
        long sn = treeSize - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, rootHash);
    }

    /**
     * RFC 9162 section 2.1.4.2: whether {@code path} proves that the tree of {@code firstSize}
     * leaves with root {@code firstRoot} is a prefix of the tree of {@code secondSize} leaves with
     * root {@code secondRoot}.
     */
    public static boolean verifyConsistency(long firstSize, long secondSize, byte[] firstRoot, byte[] secondRoot, List<byte[]> path) {
        requireNonNull(firstRoot, "firstRoot is null");
        requireNonNull(secondRoot, "secondRoot is null");
        requireNonNull(path, "path is null");
        if (firstSize < 1 || firstSize > secondSize) {
            return false;
        }
        if (firstSize == secondSize) {
            return path.isEmpty() && Arrays.equals(firstRoot, secondRoot);
        }
        java.util.ArrayList<byte[]> proof = new java.util.ArrayList<>(path);
        if (Long.bitCount(firstSize) == 1) {
            proof.add(0, firstRoot);
        }
        if (proof.isEmpty()) {
            return false;
        }
        long fn = firstSize - 1;
        long sn = secondSize - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = proof.get(0);
        byte[] sr = proof.get(0);
        for (byte[] c : proof.subList(1, proof.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(fr, firstRoot) && Arrays.equals(sr, secondRoot);
    }
}
