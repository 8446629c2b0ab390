package org.spe.secrets.vault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token lifecycle of {@link VaultSecretStore} against the in-process stand-in of Vault's HTTP
 * API ({@link VaultHttpStandIn}, not Vault; or a real Vault when SPE_TEST_VAULT_ADDR is set):
 * renewal before expiry, a new login at the max TTL, a revoked token replaced from the token file,
 * and Kubernetes login. TTLs are seconds so the test sees several cycles.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaultTokenLifecycleAgainstVaultStandInIT {
    private VaultTestServer vault;
    @TempDir
    Path directory;

    @BeforeAll
    void start() throws IOException {
        vault = VaultTestServer.start();
        // load the driver's classes once, so the short TTLs below are not eaten by a cold JVM
        String prefix = prefix();
        Path warmUp = Files.createTempFile("vault-warm-up", "");
        Files.writeString(warmUp, vault.issueToken(prefix, Duration.ofMinutes(1), Duration.ofMinutes(1), true));
        try (VaultSecretStore store = VaultSecretStore.connect(VaultSettings.tokenFile(vault.address(), warmUp).withPathPrefix(prefix))) {
            store.secret("warm-up", 16);
        } finally {
            Files.delete(warmUp);
        }
    }

    @AfterAll
    void stop() {
        vault.close();
    }

    private static String prefix() {
        return "spe-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aRenewableTokenIsRenewedBeforeItExpiresAndKeepsWorking() throws Exception {
        String prefix = prefix();
        Path tokenFile = Files.writeString(directory.resolve("renewable-token"), vault.issueToken(prefix, Duration.ofSeconds(4), Duration.ofMinutes(5), true));
        try (VaultSecretStore store = VaultSecretStore.connect(VaultSettings.tokenFile(vault.address(), tokenFile).withPathPrefix(prefix))) {
            byte[] key = store.secret("permit-keys/p-1/ndb_claims", 32);
            Instant firstExpiry = store.tokenExpiry().orElseThrow();
            Thread.sleep(9_000); // more than twice the TTL: without renewal the token would be gone
            assertThat(store.secret("permit-keys/p-1/ndb_claims", 32)).isEqualTo(key);
            assertThat(store.tokenExpiry().orElseThrow()).isAfter(firstExpiry.plusSeconds(4));
        }
        if (vault instanceof VaultHttpStandIn) {
            VaultHttpStandIn standIn = (VaultHttpStandIn) vault;
            assertThat(standIn.count("POST /v1/auth/token/renew-self")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void anAppRoleTokenAtItsMaxTtlIsReplacedByANewLogin() throws Exception {
        String prefix = prefix();
        VaultTestServer.AppRoleCredentials role = vault.createAppRole(prefix, Duration.ofSeconds(3), Duration.ofSeconds(4), true);
        Path secretId = Files.writeString(directory.resolve("secret-id"), role.secretId());
        long loginsBefore = vault instanceof VaultHttpStandIn ? ((VaultHttpStandIn) vault).count("POST /v1/auth/approle/login") : 0;
        try (VaultSecretStore store = VaultSecretStore.connect(VaultSettings.appRole(vault.address(), role.roleId(), secretId).withPathPrefix(prefix))) {
            byte[] key = store.secret("permit-keys/p-1/ndb_claims", 32);
            Thread.sleep(9_000); // beyond two max TTLs
            assertThat(store.secret("permit-keys/p-1/ndb_claims", 32)).isEqualTo(key);
        }
        if (vault instanceof VaultHttpStandIn) {
            assertThat(((VaultHttpStandIn) vault).count("POST /v1/auth/approle/login") - loginsBefore).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aRevokedTokenIsReplacedByTheOneNowInTheTokenFile() throws IOException {
        String prefix = prefix();
        String first = vault.issueToken(prefix, Duration.ofHours(1), Duration.ofHours(1), true);
        Path tokenFile = Files.writeString(directory.resolve("agent-sink"), first);
        try (VaultSecretStore store = VaultSecretStore.connect(VaultSettings.tokenFile(vault.address(), tokenFile).withPathPrefix(prefix))) {
            byte[] key = store.secret("permit-keys/p-1/ndb_claims", 32);
            vault.revokeToken(first);
            Files.writeString(tokenFile, vault.issueToken(prefix, Duration.ofHours(1), Duration.ofHours(1), true)); // as Vault Agent would
            assertThat(store.secret("permit-keys/p-1/ndb_claims", 32)).isEqualTo(key);
        }
    }

    @Test
    void kubernetesLoginExchangesTheServiceAccountTokenAgainstTheStandIn() throws IOException {
        // Kubernetes auth needs a cluster behind a real Vault, so this one always uses the stand-in.
        try (VaultHttpStandIn standIn = VaultHttpStandIn.start()) {
            String jwt = "eyJhbGciOiJSUzI1NiJ9.service-account.signature";
            standIn.addKubernetesRole("kubernetes", "spe-server", jwt, "spe", Duration.ofMinutes(10), Duration.ofHours(1), true);
            Path serviceAccountToken = Files.writeString(directory.resolve("sa-token"), jwt);
            try (VaultSecretStore store = VaultSecretStore.connect(VaultSettings.kubernetes(standIn.address(), "spe-server", serviceAccountToken))) {
                store.signingKeyPair("release/packages");
            }
            assertThat(standIn.count("POST /v1/auth/kubernetes/login")).isEqualTo(1);
            assertThat(standIn.kvData("spe/release/packages")).hasValueSatisfying(fields -> assertThat(fields).containsEntry("type", "ed25519"));
        }
    }
}
