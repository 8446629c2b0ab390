package org.spe.core.secrets;

/**
 * The platform's store of named secrets: symmetric keys (permit pseudonymisation keys, HMAC keys)
 * and Ed25519 signing key pairs (the audit log's tree-head key, release-package keys). Both kinds
 * are get-or-create: the first call with a name generates the secret from a strong random source
 * and persists it; later calls, in this process or after a restart, return the same bytes.
 *
 * <p>Implementations are thread-safe. Calls may block on I/O (a keystore file, a Vault server) and
 * throw {@link org.spe.core.RetriableException} when the backing store is unavailable or sealed,
 * and {@link org.spe.core.SpeException} with category {@code INTERNAL} when it is damaged.
 * Secret bytes are never logged.
 */
public interface SecretStore {
    /**
     * Returns the secret named {@code name}, creating {@code lengthBytes} random bytes on first
     * use. Returns a fresh copy the caller may clear.
     *
     * @throws IllegalArgumentException if the name is not a valid secret name, or a secret of
     *     that name exists with a different length
     */
    byte[] secret(String name, int lengthBytes);

    /**
     * Returns the Ed25519 key pair named {@code name}, creating it on first use.
     *
     * @throws IllegalArgumentException if the name is not a valid secret name
     */
    Ed25519KeyPair signingKeyPair(String name);

    /** Secret names: letters, digits, '.', '_', '-' and '/', 1 to 200 characters. */
    static String checkName(String name) {
        java.util.Objects.requireNonNull(name, "name is null");
        if (!name.matches("[A-Za-z0-9._/-]{1,200}")) {
            throw new IllegalArgumentException("secret name must be 1-200 of letters, digits, '.', '_', '-', '/': " + name);
        }
        return name;
    }
}
