package org.spe.workspace.data;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The pseudonym of a person ID: base64url (no padding) of the first 16 bytes of
 * HMAC-SHA256(key, UTF-8 person ID), 22 characters. A Spark UDF; each thread keeps its own
 * {@link Mac}, so one instance is safe to share across tasks. Null in, null out.
 */
final class HmacPseudonymFunction implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;
    private final byte[] key;
    private transient ThreadLocal<Mac> macs;

    HmacPseudonymFunction(byte[] key) {
        requireNonNull(key, "key is null");
        if (key.length < 16) {
            throw new IllegalArgumentException("a pseudonym key needs at least 16 bytes");
        }
        this.key = key.clone();
    }

    @Override
    public String call(String personId) {
        if (personId == null) {
            return null;
        }
        byte[] digest = mac().doFinal(personId.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    /** The full HMAC of the person ID, for derived values such as date offsets. */
    byte[] digest(String personId) {
        return mac().doFinal(personId.getBytes(StandardCharsets.UTF_8));
    }

    private Mac mac() {
        ThreadLocal<Mac> local = macs;
        if (local == null) {
            synchronized (this) {
                if (macs == null) {
                    macs = ThreadLocal.withInitial(this::newMac);
                }
                local = macs;
            }
        }
        return local.get();
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
