package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keys derived in memory from one master secret: HMAC-SHA256(master, permitId NUL linkGroup). For
 * tests, benchmarks and the embedded demo; production keys come from the platform's secret store.
 * Thread-safe.
 */
public final class InMemoryPseudonymKeys implements PseudonymKeys {
    private final byte[] master;

    /** Keys derived from {@code master} (at least 32 bytes; copied). */
    public InMemoryPseudonymKeys(byte[] master) {
        requireNonNull(master, "master is null");
        if (master.length < 32) {
            throw new IllegalArgumentException("master key must be at least 32 bytes, got " + master.length);
        }
        this.master = master.clone();
    }

    /** Keys derived from a fresh random master secret. */
    public static InMemoryPseudonymKeys random() {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        return new InMemoryPseudonymKeys(master);
    }

    @Override
    public byte[] key(String permitId, String linkGroup) {
        requireNonNull(permitId, "permitId is null");
        requireNonNull(linkGroup, "linkGroup is null");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            return mac.doFinal((permitId + '\0' + linkGroup).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
