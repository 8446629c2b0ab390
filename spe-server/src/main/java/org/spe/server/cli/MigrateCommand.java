package org.spe.server.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.spe.server.Platform;
import org.spe.server.config.ConfigLoader;
import org.spe.server.config.SpeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code spe migrate}: applies every database migration (Flyway, the same ones {@code spe up} applies at start) to the
 * configured external PostgreSQL, then exits. Run once per release before the new server starts (the Kubernetes
 * migrations Job). Exit 0 when the schema is current, 2 on bad configuration, 1 when a migration fails.
 */
@Command(name = "migrate", description = "Apply the database migrations to the configured (external) PostgreSQL and exit", mixinStandardHelpOptions = true)
public final class MigrateCommand implements Callable<Integer> {
    @Option(names = "--config", description = "Configuration file (as for spe up)")
    Path config;

    @Option(names = "--data-dir", description = "Data directory (default ./spe-data)")
    Path dataDir;

    @Override
    public Integer call() {
        Map<String, String> overrides = new LinkedHashMap<>();
        if (dataDir != null) {
            overrides.put("dataDir", dataDir.toString());
        }
        SpeConfig settings = ConfigLoader.load(Optional.ofNullable(config), System.getenv(), overrides);
        if (settings.database().embedded()) {
            System.err.println("spe migrate: database.url is empty; the embedded PostgreSQL is migrated by `spe up` itself. "
                    + "Set database.url (SPE_DATABASE_URL) to migrate an external database.");
            return 2;
        }
        try (Platform platform = Platform.start(settings, Clock.systemUTC())) {
            System.out.println("spe migrate: database schema is current at " + platform.database.jdbcUrl());
            return 0;
        } catch (RuntimeException e) {
            System.err.println("spe migrate: " + e.getMessage());
            return 1;
        }
    }
}
