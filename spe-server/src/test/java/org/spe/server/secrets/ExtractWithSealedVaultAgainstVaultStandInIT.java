package org.spe.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.audit.AuditActions;
import org.spe.core.RetriableException;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.catalog.Dataset;
import org.spe.core.catalog.LinkageRule;
import org.spe.core.event.CollectingEventSink;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.EventOutcome;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.Linkage;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitRequest;
import org.spe.core.permit.PurposeCategory;
import org.spe.core.testing.MutableClock;
import org.spe.core.testing.TestDatabases;
import org.spe.secrets.vault.VaultSecretStore;
import org.spe.secrets.vault.VaultTestServer;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.server.config.ConfigLoader;
import org.spe.server.config.SpeConfig;
import org.spe.server.testing.TeeEventSink;
import org.spe.workspace.data.ExtractBuilder;
import org.spe.workspace.data.LocalSpark;
import org.spe.workspace.data.SyntheticLake;

/**
 * The real platform with {@code secrets.backend: vault} (AppRole login) against the in-process
 * stand-in of Vault's HTTP API ({@code VaultHttpStandIn}, not Vault; a real Vault when
 * SPE_TEST_VAULT_ADDR is set), building real extracts with Spark over a generated lake: while
 * Vault is sealed, or unreachable, the extract is refused with a clear retriable error, nothing is
 * written, no local keystore appears, and the failure is audited; once unsealed, the same extract
 * is built with its pseudonymisation key kept in Vault.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtractWithSealedVaultAgainstVaultStandInIT {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T09:00:00Z"));
    private final CollectingEventSink events = new CollectingEventSink();
    private final Caller steward = new Caller("sam", EnumSet.of(Role.DATA_STEWARD), "s-seed", "127.0.0.1");
    private final String prefix = "spe-test-" + UUID.randomUUID().toString().substring(0, 8);
    private VaultTestServer vault;
    private Path dataDir;
    private Platform platform;
    private Workspaces workspaces;

    @BeforeAll
    void start() throws IOException {
        vault = VaultTestServer.start();
        VaultTestServer.AppRoleCredentials role = vault.createAppRole(prefix, Duration.ofHours(1), Duration.ofHours(2), true);
        dataDir = Files.createTempDirectory("spe-vault-extract");
        Path secretId = Files.writeString(dataDir.resolve("approle-secret-id"), role.secretId());
        SpeConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("dataDir", dataDir.toString(), "server.port", "0",
                "accounts.passwordMemoryKib", "1024", "accounts.passwordIterations", "1",
                "secrets.backend", "vault", "secrets.vault.address", vault.address().toString(), "secrets.vault.auth", "approle",
                "secrets.vault.roleId", role.roleId(), "secrets.vault.secretIdFile", secretId.toString(), "secrets.vault.pathPrefix", prefix));
        platform = Platform.start(config, clock, TestDatabases.fresh(), audit -> new TeeEventSink(audit, events));
        assertThat(platform.secrets).isInstanceOf(VaultSecretStore.class);
        org.spe.server.DemoSeed.seedAccounts(platform);
        workspaces = new Workspaces(platform);
        for (Dataset dataset : SyntheticLake.catalog()) {
            platform.catalog.register(steward, dataset);
        }
        for (LinkageRule rule : SyntheticLake.linkageRules()) {
            platform.catalog.allowLinkage(steward, rule);
        }
        try (LocalSpark.Lease spark = LocalSpark.acquire("vault-extract-test")) {
            SyntheticLake.generate(spark.session(), 300, 11, workspaces.lake);
        }
    }

    @AfterAll
    void stop() {
        if (workspaces != null) {
            workspaces.close();
        }
        if (platform != null) {
            platform.close();
        }
        if (vault != null) {
            vault.close();
        }
    }

    private Permit permit(String title) {
        return platform.permits.create(steward, new PermitRequest(title, "Describe admissions", PurposeCategory.A_PUBLIC_HEALTH,
                DataLevel.PSEUDONYMISED, Optional.of("Admissions must be linked to claims"), List.of("alice"),
                List.of(new PermitDataset("ndb_claims", List.of("person_id", "sex", "prefecture_code", "points"), List.of()),
                        new PermitDataset("dpc_episodes", List.of("person_id", "length_of_stay"), List.of())),
                List.of(new Linkage("ndb_claims", "dpc_episodes")), LocalDate.of(2026, 1, 1), LocalDate.of(2027, 12, 31),
                new ComputeQuota(1, 2, 0, 1, 10, 0), "default", 5));
    }

    private List<DomainEvent> extractEvents(Permit permit) {
        return events.events().stream().filter(e -> e.action().equals(AuditActions.DATA_EXTRACT))
                .filter(e -> e.permitId().equals(Optional.of(permit.id()))).toList();
    }

    private Path extractDirectory(Permit permit) {
        return ExtractBuilder.extractDirectory(workspaces.extracts, permit.id(), permit.version());
    }

    @Test
    void aSealedVaultStopsTheExtractWithNothingWrittenAndNoFallbackThenUnsealingLetsItBuild() {
        Permit permit = permit("Sealed then unsealed");
        assertThat(platform.secretsHealth()).containsEntry("backend", "vault").containsEntry("state", "OK");
        vault.seal();
        try {
            assertThatThrownBy(() -> workspaces.ensureExtract(permit)).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("is sealed").hasMessageContaining("does not fall back");
            assertThat(platform.secretsHealth()).containsEntry("state", "UNAVAILABLE")
                    .hasEntrySatisfying("detail", detail -> assertThat(detail).contains("is sealed"));
        } finally {
            vault.unseal();
        }
        assertThat(extractDirectory(permit)).doesNotExist();
        assertThat(dataDir.resolve("secrets")).doesNotExist();
        assertThat(extractEvents(permit)).singleElement().satisfies(event -> {
            assertThat(event.outcome()).isEqualTo(EventOutcome.FAILED);
            assertThat(event.reason()).hasValueSatisfying(reason -> assertThat(reason).contains("is sealed"));
        });

        workspaces.ensureExtract(permit);
        assertThat(extractDirectory(permit)).isDirectory();
        assertThat(extractEvents(permit)).hasSize(2).last().satisfies(event -> assertThat(event.outcome()).isEqualTo(EventOutcome.SUCCESS));
        assertThat(vault.kvData(prefix + "/permit-keys/" + permit.id() + "/dpc_episodes.ndb_claims"))
                .hasValueSatisfying(fields -> assertThat(fields).containsEntry("type", "secret"));
        assertThat(dataDir.resolve("secrets")).doesNotExist();
    }

    @Test
    void aPlatformWhoseVaultIsUnreachableDoesNotStartAndMakesNoLocalKeystore() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path otherDataDir = Files.createTempDirectory("spe-vault-unreachable");
        Path token = Files.writeString(otherDataDir.resolve("token"), "hvs.unused");
        SpeConfig unreachable = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("dataDir", otherDataDir.toString(),
                "secrets.backend", "vault", "secrets.vault.address", "http://127.0.0.1:" + closedPort, "secrets.vault.auth", "token-file",
                "secrets.vault.tokenFile", token.toString(), "secrets.vault.timeoutSeconds", "2"));
        try (org.spe.core.db.Database database = TestDatabases.fresh()) {
            assertThatThrownBy(() -> Platform.start(unreachable, clock, database, sink -> sink)).isInstanceOf(RetriableException.class)
                    .hasMessageContaining("is unreachable").hasMessageContaining("does not fall back");
        }
        assertThat(otherDataDir.resolve("secrets")).doesNotExist();
    }
}
