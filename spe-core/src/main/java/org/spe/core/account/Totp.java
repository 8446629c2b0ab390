package org.spe.core.account;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * Time-based one-time passwords (RFC 6238, HMAC-SHA1, 30-second steps, 6 digits), the codes
 * authenticator apps show. Secrets are base32 strings as in {@code otpauth://} URIs. Thread-safe.
 */
public final class Totp {
    private static final int STEP_SECONDS = 30;
    private static final int DIGITS = 6;
    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    private Totp() {}

    /** A fresh random 160-bit secret, base32-encoded without padding. */
    public static String newSecret() {
        byte[] secret = new byte[20];
        new SecureRandom().nextBytes(secret);
        return new Base32().encodeAsString(secret).replace("=", "");
    }

    /** The code for the step containing {@code time}. */
    public static String code(String base32Secret, Instant time) {
        return codeForStep(decode(base32Secret), time.getEpochSecond() / STEP_SECONDS);
    }

    /**
     * Whether {@code code} is valid at {@code time}, allowing {@code windowSteps} steps of clock
     * drift either side. Returns the matching step (so a caller can refuse replays), or -1.
     */
    public static long verify(String base32Secret, String code, Instant time, int windowSteps) {
        if (code == null || !code.matches("\\d{" + DIGITS + "}")) {
            return -1;
        }
        byte[] key = decode(base32Secret);
        long now = time.getEpochSecond() / STEP_SECONDS;
        long match = -1;
        for (long step = now - windowSteps; step <= now + windowSteps; step++) {
            // Compare every candidate so timing does not reveal which step matched.
            if (MessageDigest.isEqual(codeForStep(key, step).getBytes(), code.getBytes())) {
                match = step;
            }
        }
        return match;
    }

    static String codeForStep(byte[] key, long step) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            byte[] hash = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array());
            int offset = hash[hash.length - 1] & 0x0f;
            int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16) | ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
            return String.format("%0" + DIGITS + "d", binary % POWERS[DIGITS]);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }

    private static byte[] decode(String base32Secret) {
        return new Base32().decode(base32Secret.toUpperCase());
    }
}
