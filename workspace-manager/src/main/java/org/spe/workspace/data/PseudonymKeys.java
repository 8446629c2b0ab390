package org.spe.workspace.data;

/**
 * The source of pseudonymisation keys: one secret key per permit and link group. The platform
 * implements it over its secret store; keys never leave the platform and are never logged.
 * Implementations are thread-safe and return the same key for the same arguments for as long as the
 * permit lives, so rebuilt extracts of a permit keep their pseudonyms.
 */
public interface PseudonymKeys {
    /**
     * The key for {@code linkGroup} of {@code permitId}: at least 32 bytes, unrelated to the key of any
     * other permit or group.
     *
     * @param linkGroup the datasets that share a pseudonym space, joined by {@code +} in sorted order
     *     ({@code dpc_episodes+ndb_claims}), or {@code date-shift} for the per-person date offsets
     * @throws org.spe.core.SpeException UNAVAILABLE when the secret store cannot be reached
     */
    byte[] key(String permitId, String linkGroup);
}
