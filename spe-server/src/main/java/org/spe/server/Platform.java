package org.spe.server;

import static java.util.Objects.requireNonNull;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.spe.audit.AuditLog;
import org.spe.audit.AuditLogSettings;
import org.spe.audit.AuditLogs;
import org.spe.audit.AuditMonitor;
import org.spe.audit.MonitoringSettings;
import org.spe.audit.PermitValidityLookup;
import org.spe.core.secrets.LocalKeystoreSecretStore;
import org.spe.core.secrets.SecretStore;
import org.spe.secrets.vault.VaultSecretStore;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.account.AccountService;
import org.spe.core.account.PasswordHasher;
import org.spe.core.catalog.CatalogService;
import org.spe.core.db.Database;
import org.spe.core.event.DomainEventSink;
import org.spe.core.optout.OptOutService;
import org.spe.core.permit.PermitService;
import org.spe.core.policy.AccessPolicy;
import org.spe.core.policy.RoleBasedAccessPolicy;
import org.spe.server.config.SpeConfig;

/**
 * The running platform's parts, wired once: database, policy, services, metrics. Owns what it
 * starts and stops it on {@link #close()}. Thread-safe after construction.
 */
public final class Platform implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Platform.class);

    /** The SDC profiles permits may name. */
    public static final Set<String> SDC_PROFILES = Set.of("default", "ndb", "opensafely", "tier3");

    public final SpeConfig config;
    public final Clock clock;
    public final Database database;
    public final AccessPolicy policy = new RoleBasedAccessPolicy();
    public final DomainEventSink events;
    public final AccountService accounts;
    public final CatalogService catalog;
    public final PermitService permits;
    public final OptOutService optOuts;
    public final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    public final SecretStore secrets;
    public final AuditLog audit;
    public final AuditMonitor monitor;

    private Platform(SpeConfig config, Clock clock, Database database, SecretStore secrets, AuditLog audit, UnaryOperator<DomainEventSink> decorateEvents) {
        this.config = config;
        this.clock = clock;
        this.database = database;
        this.secrets = secrets;
        this.audit = audit;
        this.events = decorateEvents.apply(new PlatformEvents(audit));
        SpeConfig.Accounts accountConfig = config.accounts();
        this.accounts = new AccountService(database.app(), events, clock, accountConfig.toSettings(),
                new PasswordHasher(accountConfig.passwordMemoryKib(), accountConfig.passwordIterations(), 1), secrets.secret("accounts/totp-encryption", 32));
        this.catalog = new CatalogService(database.app(), policy, events, clock);
        this.permits = new PermitService(database.app(), policy, events, clock, catalog, accounts, SDC_PROFILES);
        this.optOuts = new OptOutService(database.app(), policy, events, clock);
        this.monitor = new AuditMonitor(audit, clock, MonitoringSettings.defaults(), permitId -> permits.find(permitId).map(p -> new PermitValidityLookup.Validity(
                p.validFrom().atStartOfDay(ZoneOffset.UTC).toInstant(), p.validUntil().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant())));
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(metrics);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(metrics);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(metrics);
    }

    /** Opens the database named by the configuration (starting the embedded one if needed) and migrates it. */
    public static Platform start(SpeConfig config, Clock clock) {
        requireNonNull(config, "config is null");
        Database database;
        if (config.database().embedded()) {
            database = Database.embedded(config.dataPath().resolve("postgres"));
        } else {
            var db = config.database();
            database = Database.external(db.url(), db.ownerUser(), db.ownerPassword(), db.appUser(), db.appPassword());
        }
        return start(config, clock, database, UnaryOperator.identity());
    }

    /**
     * Wires the platform over an open database. {@code decorateEvents} may wrap the audit sink
     * (tests keep a copy of the events); production passes the identity.
     */
    public static Platform start(SpeConfig config, Clock clock, Database database, UnaryOperator<DomainEventSink> decorateEvents) {
        database.migrate("core");
        database.migrate("audit");
        database.migrate("workspace");
        database.migrate("release");
        log.info("Database ready at {}", database.jdbcUrl());
        SecretStore secrets = openSecrets(config);
        AuditLog audit = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults()
                .withRetention(Duration.ofDays(config.audit().retentionDays()))
                .withTreeHeadInterval(Duration.ofSeconds(config.audit().treeHeadIntervalSeconds())), clock);
        return new Platform(config, clock, database, secrets, audit, decorateEvents);
    }

    /**
     * The configured secret store: Vault when {@code secrets.backend} is {@code vault} (a sealed or
     * unreachable Vault fails here, with no fallback), otherwise the local keystore.
     *
     * @throws org.spe.core.RetriableException if Vault is sealed or unreachable
     */
    public static SecretStore openSecrets(SpeConfig config) {
        if (config.secrets().useVault()) {
            return VaultSecretStore.connect(config.secrets().vault().toSettings());
        }
        return openLocalKeystore(config);
    }

    /** The local keystore under the data dir, unlocked by the master key file (made on first use, mode 600). */
    private static SecretStore openLocalKeystore(SpeConfig config) {
        Path directory = config.dataPath().resolve("secrets");
        Path masterKey = config.secrets().masterKeyFile().isEmpty() ? directory.resolve("master.key") : Path.of(config.secrets().masterKeyFile());
        try {
            if (!Files.exists(masterKey)) {
                Files.createDirectories(masterKey.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                Files.writeString(masterKey, java.util.HexFormat.of().formatHex(random), StandardCharsets.US_ASCII);
                Files.setPosixFilePermissions(masterKey, PosixFilePermissions.fromString("rw-------"));
            }
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            char[] passphrase = Files.readString(masterKey, StandardCharsets.US_ASCII).trim().toCharArray();
            return LocalKeystoreSecretStore.open(directory.resolve("keystore"), passphrase);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the secret store under " + directory, e);
        }
    }

    /**
     * The secret store's state for the health endpoint: {@code backend} ({@code local} or
     * {@code vault}), {@code state} ({@code OK} or {@code UNAVAILABLE}) and, when unavailable, a
     * {@code detail} saying why (sealed, unreachable). Asks Vault each time (two small requests).
     */
    public Map<String, String> secretsHealth() {
        if (!(secrets instanceof VaultSecretStore)) {
            return Map.of("backend", "local", "state", "OK");
        }
        try {
            ((VaultSecretStore) secrets).checkHealth();
            return Map.of("backend", "vault", "state", "OK");
        } catch (org.spe.core.SpeException e) {
            return Map.of("backend", "vault", "state", "UNAVAILABLE", "detail", e.getMessage());
        }
    }

    @Override
    public void close() {
        audit.close();
        database.close();
        metrics.close();
        if (secrets instanceof VaultSecretStore) {
            ((VaultSecretStore) secrets).close();
        }
    }
}
