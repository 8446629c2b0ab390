package org.spe.secrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;
import org.spe.core.secrets.Ed25519KeyPair;

/**
 * {@link VaultSecretStore} through vault-java-driver against the in-process stand-in of Vault's
 * HTTP API ({@link VaultHttpStandIn}, not Vault), or a real Vault when SPE_TEST_VAULT_ADDR is set:
 * get-or-create in KV v2, persistence across stores, concurrent creators, type and length checks,
 * sealed, unreachable, denied by policy and rejected credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VaultSecretStoreAgainstVaultStandInIT {
    private VaultTestServer vault;
    @TempDir
    Path directory;

    @BeforeAll
    void start() {
        vault = VaultTestServer.start();
    }

    @AfterAll
    void stop() {
        vault.close();
    }

    private static String prefix() {
        return "spe-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private VaultSettings tokenFileSettings(String prefix, String token) throws IOException {
        Path file = Files.createTempFile(directory, "token", "");
        Files.writeString(file, token + "\n");
        return VaultSettings.tokenFile(vault.address(), file).withPathPrefix(prefix);
    }

    private VaultSecretStore connect(String prefix) throws IOException {
        return VaultSecretStore.connect(tokenFileSettings(prefix, vault.issueToken(prefix, Duration.ofHours(1), Duration.ofHours(2), true)));
    }

    @Test
    void secretsAreCreatedOnceInKvVersionTwoAndReadBackByAnotherStore() throws IOException {
        String prefix = prefix();
        byte[] permitKey;
        Ed25519KeyPair signing;
        try (VaultSecretStore first = connect(prefix)) {
            permitKey = first.secret("permit-keys/p-1/dpc_episodes.ndb_claims", 32);
            signing = first.signingKeyPair("audit/tree-head");
            assertThat(first.secret("permit-keys/p-1/dpc_episodes.ndb_claims", 32)).isEqualTo(permitKey);
            assertThat(first.secret("permit-keys/p-2/dpc_episodes.ndb_claims", 32)).isNotEqualTo(permitKey);
        }
        try (VaultSecretStore second = connect(prefix)) {
            assertThat(second.secret("permit-keys/p-1/dpc_episodes.ndb_claims", 32)).isEqualTo(permitKey);
            assertThat(second.signingKeyPair("audit/tree-head").publicKey()).isEqualTo(signing.publicKey());
            byte[] message = "tree head".getBytes();
            assertThat(Ed25519KeyPair.verify(signing.publicKey(), message, second.signingKeyPair("audit/tree-head").sign(message))).isTrue();
        }
        assertThat(vault.kvData(prefix + "/permit-keys/p-1/dpc_episodes.ndb_claims")).hasValueSatisfying(fields -> {
            assertThat(fields).containsEntry("type", "secret");
            assertThat(Base64.getDecoder().decode(fields.get("value"))).isEqualTo(permitKey);
        });
        assertThat(vault.kvData(prefix + "/audit/tree-head")).hasValueSatisfying(fields -> assertThat(fields).containsEntry("type", "ed25519"));
        assertThat(vault.kvVersions(prefix + "/permit-keys/p-1/dpc_episodes.ndb_claims")).isEqualTo(1);
    }

    @Test
    void concurrentCreatorsInTwoReplicasAgreeOnOneValue() throws Exception {
        String prefix = prefix();
        try (VaultSecretStore first = connect(prefix); VaultSecretStore second = connect(prefix)) {
            ExecutorService threads = Executors.newFixedThreadPool(8);
            try {
                List<Future<byte[]>> answers = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    VaultSecretStore store = i % 2 == 0 ? first : second;
                    answers.add(threads.submit((Callable<byte[]>) () -> store.secret("permit-keys/p-9/date-shift", 32)));
                }
                byte[] expected = answers.get(0).get();
                for (Future<byte[]> answer : answers) {
                    assertThat(answer.get()).isEqualTo(expected);
                }
            } finally {
                threads.shutdownNow();
            }
        }
        assertThat(vault.kvVersions(prefix + "/permit-keys/p-9/date-shift")).isEqualTo(1);
    }

    @Test
    void aSecretOfAnotherLengthOrKindIsRejected() throws IOException {
        try (VaultSecretStore store = connect(prefix())) {
            store.secret("accounts/totp-encryption", 32);
            store.signingKeyPair("release/packages");
            assertThatThrownBy(() -> store.secret("accounts/totp-encryption", 16)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has 32 bytes, not 16");
            assertThatThrownBy(() -> store.secret("release/packages", 32)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is a ed25519, not a secret");
            assertThatThrownBy(() -> store.secret("name with spaces", 32)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.secret("permit-keys/../accounts/totp-encryption", 32)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(". or .. segments");
        }
    }

    @Test
    void aSealedVaultFailsEveryReadWithARetriableErrorAndWorksAgainOnceUnsealed() throws IOException {
        String prefix = prefix();
        try (VaultSecretStore store = connect(prefix)) {
            byte[] key = store.secret("permit-keys/p-1/ndb_claims", 32);
            vault.seal();
            try {
                assertThatThrownBy(() -> store.secret("permit-keys/p-1/ndb_claims", 32)).isInstanceOf(RetriableException.class)
                        .hasMessageContaining("is sealed").hasMessageContaining("does not fall back");
                assertThatThrownBy(() -> store.secret("permit-keys/p-2/ndb_claims", 32)).isInstanceOf(RetriableException.class)
                        .hasMessageContaining("is sealed");
                assertThatThrownBy(() -> connect(prefix)).isInstanceOf(RetriableException.class).hasMessageContaining("is sealed");
                assertThatThrownBy(store::checkHealth).isInstanceOf(RetriableException.class).hasMessageContaining("is sealed");
            } finally {
                vault.unseal();
            }
            assertThat(store.secret("permit-keys/p-1/ndb_claims", 32)).isEqualTo(key);
            assertThat(vault.kvData(prefix + "/permit-keys/p-2/ndb_claims")).isEmpty();
        }
    }

    @Test
    void anUnreachableVaultIsReportedAsSuchAndNothingIsCreated() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path token = Files.writeString(directory.resolve("unreachable-token"), "hvs.nothing");
        VaultSettings settings = VaultSettings.tokenFile(URI.create("http://127.0.0.1:" + port), token).withTimeout(Duration.ofSeconds(2));
        assertThatThrownBy(() -> VaultSecretStore.connect(settings)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("is unreachable").satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.UNAVAILABLE));
    }

    @Test
    void aTokenWhosePolicyDoesNotCoverThePrefixIsDeniedWithTheRequiredPath() throws IOException {
        String prefix = prefix();
        VaultSettings settings = tokenFileSettings(prefix, vault.issueToken(prefix() , Duration.ofHours(1), Duration.ofHours(1), true));
        try (VaultSecretStore store = VaultSecretStore.connect(settings)) {
            assertThatThrownBy(() -> store.secret("permit-keys/p-1/ndb_claims", 32)).isInstanceOf(SpeException.class)
                    .hasMessageContaining("denied").hasMessageContaining("secret/data/" + prefix + "/*")
                    .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.INTERNAL));
        }
        assertThat(vault.kvData(prefix + "/permit-keys/p-1/ndb_claims")).isEmpty();
    }

    @Test
    void rejectedAppRoleCredentialsAndAMissingSecretIdFileAreClearErrors() throws IOException {
        String prefix = prefix();
        VaultTestServer.AppRoleCredentials role = vault.createAppRole(prefix, Duration.ofMinutes(5), Duration.ofMinutes(10), true);
        Path wrong = Files.writeString(directory.resolve("wrong-secret-id"), "not-the-secret-id");
        assertThatThrownBy(() -> VaultSecretStore.connect(VaultSettings.appRole(vault.address(), role.roleId(), wrong).withPathPrefix(prefix)))
                .isInstanceOf(SpeException.class).hasMessageContaining("rejected the platform's AppRole login")
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.UNAUTHENTICATED));
        Path missing = directory.resolve("no-such-file");
        assertThatThrownBy(() -> VaultSecretStore.connect(VaultSettings.appRole(vault.address(), role.roleId(), missing).withPathPrefix(prefix)))
                .isInstanceOf(SpeException.class).hasMessageContaining("Cannot read the Vault AppRole secret ID file");
    }
}
