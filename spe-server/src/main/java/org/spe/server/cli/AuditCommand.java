package org.spe.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.audit.AuditActor;
import org.spe.audit.AuditCli;
import org.spe.audit.AuditLog;
import org.spe.audit.AuditLogSettings;
import org.spe.audit.AuditLogs;
import org.spe.core.SpeException;
import org.spe.core.db.Database;
import org.spe.core.secrets.SecretStore;
import org.spe.server.Platform;
import org.spe.server.config.ConfigLoader;
import org.spe.server.config.SpeConfig;

/**
 * {@code spe audit verify [--data-dir D | --bundle FILE --public-key FILE]} and
 * {@code spe audit export --out FILE [--data-dir D]}. Verification reads the stored log
 * (also while the platform runs: it connects to the running embedded PostgreSQL) or a bundle with
 * only the public key. Exit codes: 0 intact, 1 verification failed (naming the first bad sequence
 * number), 2 bad usage or unreadable input.
 */
public final class AuditCommand {
    private AuditCommand() {}

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty()) {
            return usage(err);
        }
        Map<String, String> options;
        try {
            options = Options.parse(args.subList(1, args.size()), List.of("--data-dir", "--bundle", "--public-key", "--out", "--config"));
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return usage(err);
        }
        try {
            return switch (args.get(0)) {
                case "verify" -> verify(options, out, err);
                case "export" -> export(options, out, err);
                default -> usage(err);
            };
        } catch (SpeException e) {
            err.println("error: " + e.getMessage());
            return AuditCli.EXIT_ERROR;
        }
    }

    private static int verify(Map<String, String> options, PrintStream out, PrintStream err) {
        if (options.containsKey("--bundle")) {
            if (!options.containsKey("--public-key")) {
                err.println("error: --bundle needs --public-key FILE (the PEM from GET /api/v1/audit/public-key)");
                return AuditCli.EXIT_ERROR;
            }
            return AuditCli.verifyBundle(Path.of(options.get("--bundle")), Path.of(options.get("--public-key")), out);
        }
        SpeConfig config = config(options);
        SecretStore secrets = Platform.openSecrets(config);
        byte[] publicKey = secrets.signingKeyPair(AuditLogSettings.DEFAULT_SIGNING_KEY).publicKey();
        try (Database database = open(config)) {
            return AuditCli.verifyDatabase(database, publicKey, out);
        }
    }

    private static int export(Map<String, String> options, PrintStream out, PrintStream err) {
        if (!options.containsKey("--out")) {
            err.println("error: export needs --out FILE");
            return AuditCli.EXIT_ERROR;
        }
        SpeConfig config = config(options);
        if (config.database().embedded() && runningPort(config).isPresent()) {
            err.println("error: the platform is running on this data dir; export through POST /api/v1/audit/exports, or stop it first");
            return AuditCli.EXIT_ERROR;
        }
        try (Database database = open(config);
                AuditLog log = AuditLogs.postgres(database, Platform.openSecrets(config), AuditLogSettings.defaults(), Clock.systemUTC())) {
            return AuditCli.exportBundle(log, Path.of(options.get("--out")), new AuditActor(System.getProperty("user.name", "cli"), "CLI", "", "local"), out);
        }
    }

    private static SpeConfig config(Map<String, String> options) {
        Map<String, String> overrides = options.containsKey("--data-dir") ? Map.of("dataDir", options.get("--data-dir")) : Map.of();
        Optional<Path> file = Optional.ofNullable(options.get("--config")).map(Path::of);
        return ConfigLoader.load(file, System.getenv(), overrides);
    }

    /** The database of the data dir: the running embedded server if there is one, else a fresh start of it. */
    private static Database open(SpeConfig config) {
        if (!config.database().embedded()) {
            var db = config.database();
            return Database.external(db.url(), db.ownerUser(), db.ownerPassword(), db.appUser(), db.appPassword());
        }
        Optional<Integer> port = runningPort(config);
        if (port.isPresent()) {
            String url = "jdbc:postgresql://localhost:" + port.get() + "/spe";
            return Database.external(url, "postgres", "", "postgres", "");
        }
        Path directory = config.dataPath().resolve("postgres");
        if (!Files.isDirectory(directory)) {
            throw SpeException.invalid("No platform data under %s", config.dataPath());
        }
        return Database.embedded(directory);
    }

    /** The port of the embedded PostgreSQL if its postmaster is alive (from postmaster.pid: pid on line 1, port on line 4). */
    private static Optional<Integer> runningPort(SpeConfig config) {
        Path pidFile = config.dataPath().resolve("postgres").resolve("postmaster.pid");
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.US_ASCII);
            long pid = Long.parseLong(lines.get(0).trim());
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return Optional.of(Integer.parseInt(lines.get(3).trim()));
            }
        } catch (IOException | RuntimeException e) {
            // no pid file, or unreadable: not running
        }
        return Optional.empty();
    }

    private static int usage(PrintStream err) {
        err.println("Usage: spe audit verify [--data-dir D | --bundle FILE --public-key FILE]");
        err.println("       spe audit export --out FILE [--data-dir D]");
        return AuditCli.EXIT_ERROR;
    }
}
