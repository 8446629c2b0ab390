package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.spe.core.secrets.Ed25519KeyPair;

/**
 * A tree head signed by the platform: the number of events in the tree, the RFC 6962 root hash
 * over them, the time of signing (millisecond precision), and an Ed25519 signature over
 * {@link #signedBytes()}. Immutable; accessors return copies of the arrays.
 */
public record SignedTreeHead(long treeSize, Instant time, byte[] rootHash, byte[] signature) {
    /** The 22 ASCII bytes that start the signed message. */
    public static final String SIGNATURE_DOMAIN = "spe-audit-tree-head-v1";

    public SignedTreeHead {
        requireNonNull(time, "time is null");
        requireNonNull(rootHash, "rootHash is null");
        requireNonNull(signature, "signature is null");
        if (treeSize < 0) {
            throw new IllegalArgumentException("treeSize is negative: " + treeSize);
        }
        if (rootHash.length != TreeHashes.HASH_LENGTH) {
            throw new IllegalArgumentException("rootHash must be 32 bytes");
        }
        if (time.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("time must have millisecond precision");
        }
        rootHash = rootHash.clone();
        signature = signature.clone();
    }

    /** Signs a tree head of {@code treeSize} events with root {@code rootHash} at {@code time} (truncated to milliseconds). */
    public static SignedTreeHead sign(long treeSize, byte[] rootHash, Instant time, Ed25519KeyPair key) {
        Instant millis = Instant.ofEpochMilli(time.toEpochMilli());
        return new SignedTreeHead(treeSize, millis, rootHash, key.sign(signedBytes(treeSize, millis, rootHash)));
    }

    /**
     * The signed message: ASCII {@code spe-audit-tree-head-v1}, tree size as an unsigned 64-bit
     * big-endian integer, time as 64-bit big-endian milliseconds since the epoch, then the 32-byte
     * root hash (70 bytes).
     */
    public byte[] signedBytes() {
        return signedBytes(treeSize, time, rootHash);
    }

    private static byte[] signedBytes(long treeSize, Instant time, byte[] rootHash) {
        byte[] domain = SIGNATURE_DOMAIN.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(domain.length + 16 + TreeHashes.HASH_LENGTH)
                .put(domain).putLong(treeSize).putLong(time.toEpochMilli()).put(rootHash).array();
    }

    /** Whether the signature is valid under the raw 32-byte Ed25519 {@code publicKey}. */
    public boolean verifySignature(byte[] publicKey) {
        return Ed25519KeyPair.verify(publicKey, signedBytes(), signature);
    }

    @Override
    public byte[] rootHash() {
        return rootHash.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignedTreeHead head && head.treeSize == treeSize && head.time.equals(time)
                && Arrays.equals(head.rootHash, rootHash) && Arrays.equals(head.signature, signature);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(treeSize) * 31 + Arrays.hashCode(rootHash);
    }

    @Override
    public String toString() {
        return "SignedTreeHead[size=" + treeSize + ", time=" + time + ", root=" + HexFormat.of().formatHex(rootHash) + "]";
    }
}
