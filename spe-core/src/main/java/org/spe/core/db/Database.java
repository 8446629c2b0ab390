package org.spe.core.db;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.RetriableException;

/**
 * The platform's PostgreSQL database, with two roles: the owner, which runs migrations and owns
 * the schemas, and the application role, which the platform uses for everything else and which
 * migrations grant only what it needs (for example INSERT and SELECT, never UPDATE or DELETE, on
 * audit rows). Each module keeps its tables in a schema of its own, migrated by
 * {@link #migrate(String)} from {@code classpath:db/migration/<schema>}; migration scripts may
 * use the placeholder {@code ${app_role}}.
 *
 * <p>Thread-safe. {@link #close()} closes the pools and, for the embedded default, stops the
 * private PostgreSQL server.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    /** Name of the application role; the embedded default creates it. */
    public static final String DEFAULT_APP_ROLE = "spe_app";

    private final HikariDataSource owner;
    private final HikariDataSource app;
    private final String appRole;
    private final Optional<EmbeddedPostgres> embedded;

    private Database(HikariDataSource owner, HikariDataSource app, String appRole, Optional<EmbeddedPostgres> embedded) {
        this.owner = owner;
        this.app = app;
        this.appRole = appRole;
        this.embedded = embedded;
    }

    /**
     * Starts (or restarts, keeping its data) a private PostgreSQL server under {@code directory}
     * and connects to database {@code spe} in it. Blocks until the server accepts connections.
     */
    public static Database embedded(Path directory) {
        requireNonNull(directory, "directory is null");
        try {
            Files.createDirectories(directory);
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("synchronous_commit", "on")
                    // zonky starts PostgreSQL with -F (no fsync); an acknowledged audit event must survive a machine crash too.
                    .setServerConfig("fsync", "on")
                    .start();
            String password = ensureEmbeddedRole(server.getPostgresDatabase(), "spe");
            String ownerUrl = "jdbc:postgresql://localhost:" + server.getPort() + "/spe";
            return new Database(
                    pool(ownerUrl, "postgres", "", 4),
                    pool(ownerUrl, DEFAULT_APP_ROLE, password, 16),
                    DEFAULT_APP_ROLE,
                    Optional.of(server));
        } catch (IOException | SQLException e) {
            throw new RetriableException("Cannot start the embedded PostgreSQL under " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects to an existing PostgreSQL: the owner credentials run migrations, the application
     * credentials everything else.
     */
    public static Database external(String jdbcUrl, String ownerUser, String ownerPassword, String appUser, String appPassword) {
        requireNonNull(jdbcUrl, "jdbcUrl is null");
        return new Database(pool(jdbcUrl, ownerUser, ownerPassword, 4), pool(jdbcUrl, appUser, appPassword, 16), appUser, Optional.empty());
    }

    /**
     * Creates a new, empty database named {@code name} on the same server as this one, with the
     * same roles. Used by tests to give each test class a database of its own on one server.
     */
    public Database createSibling(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("database name must be lower-case letters, digits and _: " + name);
        }
        String url = owner.getJdbcUrl();
        try (Connection connection = owner.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new RetriableException("Cannot create database " + name + ": " + e.getMessage(), e);
        }
        String siblingUrl = url.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        return new Database(
                pool(siblingUrl, owner.getUsername(), owner.getPassword(), 4),
                pool(siblingUrl, app.getUsername(), app.getPassword(), 16),
                appRole,
                Optional.empty());
    }

    /** Applies the migrations of one module's schema ({@code classpath:db/migration/<schema>}). */
    public void migrate(String schema) {
        requireNonNull(schema, "schema is null");
        Flyway.configure()
                .dataSource(owner)
                .schemas(schema)
                .createSchemas(true)
                .locations("classpath:db/migration/" + schema)
                .placeholders(Map.of("app_role", appRole))
                .load()
                .migrate();
        try (Connection connection = owner.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + appRole);
        } catch (SQLException e) {
            throw new RetriableException("Cannot grant schema " + schema + ": " + e.getMessage(), e);
        }
        log.info("Schema {} migrated", schema);
    }

    /** The application role's pool: what the platform uses for every read and write. */
    public DataSource app() {
        return app;
    }

    /** The owner's pool: migrations and administrative tasks only. */
    public DataSource owner() {
        return owner;
    }

    /** The name of the application role, for grants. */
    public String appRole() {
        return appRole;
    }

    /** The JDBC URL of this database, without credentials. */
    public String jdbcUrl() {
        return app.getJdbcUrl();
    }

    @Override
    public void close() {
        app.close();
        owner.close();
        embedded.ifPresent(server -> {
            try {
                server.close();
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly", e);
            }
        });
    }

    private static String ensureEmbeddedRole(DataSource postgres, String database) throws SQLException, IOException {
        // The password only guards loopback connections to a server under the data dir; it is
        // derived fresh on each start and set on the role, so it is never stored.
        String password = java.util.HexFormat.of().formatHex(randomBytes());
        try (Connection connection = postgres.getConnection(); Statement statement = connection.createStatement()) {
            var exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + database + "'");
            if (!exists.next()) {
                statement.execute("CREATE DATABASE " + database);
            }
            var role = statement.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + DEFAULT_APP_ROLE + "'");
            if (!role.next()) {
                statement.execute("CREATE ROLE " + DEFAULT_APP_ROLE + " LOGIN");
            }
            statement.execute("ALTER ROLE " + DEFAULT_APP_ROLE + " PASSWORD '" + password + "'");
        }
        return password;
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static HikariDataSource pool(String url, String user, String password, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setPoolName("spe-" + user);
        config.setConnectionTimeout(10_000);
        return new HikariDataSource(config);
    }
}
