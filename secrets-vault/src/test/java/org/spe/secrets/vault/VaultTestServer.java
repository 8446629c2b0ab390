package org.spe.secrets.vault;

import java.net.URI;
import java.time.Duration;

/**
 * The Vault a test talks to: by default the in-process {@link VaultHttpStandIn}; when the
 * environment names a real server ({@code SPE_TEST_VAULT_ADDR}, {@code SPE_TEST_VAULT_TOKEN} a
 * root or admin token, optionally {@code SPE_TEST_VAULT_UNSEAL_KEY} for the seal tests), that
 * server through {@link RealVaultTestServer}. The operations are what an operator does with the
 * {@code vault} CLI: issue tokens, create AppRoles, seal and unseal. See docs/secrets.md.
 */
public interface VaultTestServer extends AutoCloseable {
    /** AppRole credentials as {@code vault read auth/approle/role/R/role-id} and {@code write -f .../secret-id} give them. */
    record AppRoleCredentials(String roleId, String secretId) {}

    /** The stand-in, or the real server named by {@code SPE_TEST_VAULT_ADDR}. */
    static VaultTestServer start() {
        String address = System.getenv("SPE_TEST_VAULT_ADDR");
        if (address != null && !address.isBlank()) {
            String token = System.getenv("SPE_TEST_VAULT_TOKEN");
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("SPE_TEST_VAULT_ADDR is set but SPE_TEST_VAULT_TOKEN is not");
            }
            return new RealVaultTestServer(URI.create(address), token, System.getenv("SPE_TEST_VAULT_UNSEAL_KEY"));
        }
        return VaultHttpStandIn.start();
    }

    URI address();

    /** A token allowed to use KV paths {@code secret/data/<pathPrefix>/...} only. */
    String issueToken(String pathPrefix, Duration ttl, Duration maxTtl, boolean renewable);

    /** A new AppRole (auth mount {@code approle}) whose tokens may use {@code secret/data/<pathPrefix>/...}. */
    AppRoleCredentials createAppRole(String pathPrefix, Duration ttl, Duration maxTtl, boolean renewable);

    /** The fields of the newest version of KV version 2 secret {@code secret/data/<path>}, if it exists. */
    java.util.Optional<java.util.Map<String, String>> kvData(String path);

    /** How many versions of {@code secret/data/<path>} were written (0 if none). */
    int kvVersions(String path);

    /** Revokes a token at once. */
    void revokeToken(String token);

    void seal();

    void unseal();

    @Override
    void close();
}
