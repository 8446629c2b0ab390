package org.spe.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.db.Database;

/** {@code spe migrate} against a real PostgreSQL used as an external database, as the Kubernetes migrations Job runs it. */
class MigrateCommandIT {
    @Test
    void migratesAnExternalDatabaseAndCanRunAgain(@TempDir Path dir) throws Exception {
        try (Database server = Database.embedded(dir.resolve("postgres"))) {
            try (Connection owner = server.owner().getConnection(); Statement statement = owner.createStatement()) {
                statement.execute("CREATE ROLE spe_migrate_app LOGIN PASSWORD 'app-secret'");
            }
            Path config = dir.resolve("spe.yaml");
            Files.writeString(config, """
                    dataDir: %s
                    database:
                      url: "%s"
                      ownerUser: postgres
                      ownerPassword: ""
                      appUser: spe_migrate_app
                      appPassword: app-secret
                    demo:
                      seed: false
                    """.formatted(dir.resolve("data"), server.jdbcUrl()));

            assertThat(migrate("--config", config.toString())).isZero();
            assertThat(schemas(server)).contains("core", "audit", "workspace", "release");
            assertThat(migrate("--config", config.toString())).as("a second run finds the schema current").isZero();
        }
    }

    @Test
    void refusesTheEmbeddedDatabaseAndChangesNothing(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("spe.yaml");
        Files.writeString(config, "dataDir: " + dir.resolve("data") + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThat(migrate("--config", config.toString())).isEqualTo(2);
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("database.url is empty");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private static int migrate(String... args) {
        return new picocli.CommandLine(new MigrateCommand()).execute(args);
    }

    private static List<String> schemas(Database server) throws Exception {
        List<String> names = new ArrayList<>();
        try (Connection owner = server.owner().getConnection(); Statement statement = owner.createStatement();
                ResultSet rows = statement.executeQuery("SELECT schema_name FROM information_schema.schemata")) {
            while (rows.next()) {
                names.add(rows.getString(1));
            }
        }
        return names;
    }
}
