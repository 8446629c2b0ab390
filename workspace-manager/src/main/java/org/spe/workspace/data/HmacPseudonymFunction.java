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
 * {@link Mac} and remembers its last answer, so one instance is safe to share across tasks. Null in,
 * null out.
 */
final class HmacPseudonymFunction implements UDF1<String, String> {
    private static final long serialVersionUID = 1L;
    private final byte[] key;
    private transient ThreadLocal<State> states;

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
        // Claims of one person usually sit together, so remembering the last answer saves most HMACs.
        State state = state();
        if (personId.equals(state.lastPersonId)) {
            return state.lastPseudonym;
        }
        byte[] digest = state.mac.doFinal(personId.getBytes(StandardCharsets.UTF_8));
        String pseudonym = Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        state.lastPersonId = personId;
        state.lastPseudonym = pseudonym;
        return pseudonym;
    }

    /** The full HMAC of the person ID, for derived values such as date offsets. */
    byte[] digest(String personId) {
        return state().mac.doFinal(personId.getBytes(StandardCharsets.UTF_8));
    }

    /** Per-thread MAC and last answer. */
    private static final class State {
        final Mac mac;
        String lastPersonId;
        String lastPseudonym;

        State(Mac mac) {
            this.mac = mac;
        }
    }

    private State state() {
        ThreadLocal<State> local = states;
        if (local == null) {
            synchronized (this) {
                if (states == null) {
                    states = ThreadLocal.withInitial(() -> new State(newMac()));
                }
                local = states;
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
