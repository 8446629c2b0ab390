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
import java.time.Clock;
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

    private Platform(SpeConfig config, Clock clock, Database database, DomainEventSink events) {
        this.config = config;
        this.clock = clock;
        this.database = database;
        this.events = events;
        SpeConfig.Accounts accountConfig = config.accounts();
        this.accounts = new AccountService(database.app(), events, clock, accountConfig.toSettings(),
                new PasswordHasher(accountConfig.passwordMemoryKib(), accountConfig.passwordIterations(), 1), secret("totp.key"));
        this.catalog = new CatalogService(database.app(), policy, events, clock);
        this.permits = new PermitService(database.app(), policy, events, clock, catalog, accounts, SDC_PROFILES);
        this.optOuts = new OptOutService(database.app(), policy, events, clock);
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(metrics);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(metrics);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(metrics);
    }

    /** Opens the database named by the configuration (starting the embedded one if needed) and migrates it. */
    public static Platform start(SpeConfig config, Clock clock, java.util.function.Function<Database, DomainEventSink> events) {
        requireNonNull(config, "config is null");
        Path dataDir = config.dataPath();
        Database database;
        if (config.database().embedded()) {
            database = Database.embedded(dataDir.resolve("postgres"));
        } else {
            var db = config.database();
            database = Database.external(db.url(), db.ownerUser(), db.ownerPassword(), db.appUser(), db.appPassword());
        }
        return start(config, clock, database, events);
    }

    /** Wires the platform over an open database (tests pass one of their own). */
    public static Platform start(SpeConfig config, Clock clock, Database database, java.util.function.Function<Database, DomainEventSink> events) {
        database.migrate("core");
        log.info("Database ready at {}", database.jdbcUrl());
        return new Platform(config, clock, database, events.apply(database));
    }

    /** A 32-byte platform secret kept under {@code <dataDir>/secrets} (mode 600), made on first use. */
    private byte[] secret(String name) {
        Path file = config.dataPath().resolve("secrets").resolve(name);
        try {
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                Files.write(file, key);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the secret " + file, e);
        }
    }

    @Override
    public void close() {
        database.close();
        metrics.close();
    }
}
