package org.spe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.db.Database;
import org.spe.core.secrets.LocalKeystoreSecretStore;
import org.spe.core.testing.TestDatabases;

/**
 * Kills a child JVM with SIGKILL in the middle of an append burst and checks that no acknowledged
 * event was lost, that committed outbox events are sequenced after the restart, and that the log
 * verifies.
 */
class AuditCrashIT {
    static final LocalKeystoreSecretStore.KdfParameters CHEAP_KDF = new LocalKeystoreSecretStore.KdfParameters(64, 1, 1);
    private static final String PASSPHRASE = "crash-test-master-passphrase";

    @TempDir
    Path directory;

    @Test
    void killDashNineDuringABurstLosesNoAcknowledgedEvent() throws Exception {
        try (Database database = TestDatabases.fresh()) {
            database.migrate("audit");
            Path keystore = directory.resolve("keystore.bin");
            LocalKeystoreSecretStore secrets = LocalKeystoreSecretStore.open(keystore, PASSPHRASE.toCharArray(), CHEAP_KDF);
            byte[] publicKey = secrets.signingKeyPair(AuditLogSettings.DEFAULT_SIGNING_KEY).publicKey();
            HikariDataSource owner = (HikariDataSource) database.owner();
            HikariDataSource app = (HikariDataSource) database.app();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), CrashingAppender.class.getName(),
                    database.jdbcUrl(), owner.getUsername(), owner.getPassword(), app.getUsername(), app.getPassword(),
                    keystore.toString(), PASSPHRASE)
                    .redirectErrorStream(true)
                    .start();
            // A child that hangs must not hang the build: after three minutes it is killed and the test fails below.
            Thread watchdog = new Thread(() -> {
                try {
                    if (!child.waitFor(180, TimeUnit.SECONDS)) {
                        child.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "crash-test-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();

            Set<Long> acknowledged = new HashSet<>();
            List<String> committedOutbox = new ArrayList<>();
            List<String> otherOutput = new ArrayList<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                boolean killed = false;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("ACK ")) {
                        acknowledged.add(Long.parseLong(line.substring(4)));
                    } else if (line.startsWith("OUTBOX ")) {
                        committedOutbox.add(line.substring(7));
                    } else if (otherOutput.size() < 200) {
                        otherOutput.add(line);
                    }
                    if (acknowledged.size() >= 3_000 && committedOutbox.size() >= 20) {
                        // SIGKILL; the JDK closes our end of the pipe, so acknowledgements printed after this are not counted.
                        child.destroyForcibly();
                        killed = true;
                        break;
                    }
                }
                assertThat(killed).as("child output: %s", otherOutput).isTrue();
            }
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);

            long stored;
            try (Connection connection = database.app().getConnection(); Statement statement = connection.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT count(*), coalesce(max(seq), 0) FROM audit.event")) {
                rows.next();
                stored = rows.getLong(1);
                assertThat(rows.getLong(2)).isEqualTo(stored);
            }
            assertThat(acknowledged).allSatisfy(sequence -> assertThat(sequence).isBetween(1L, stored));
            assertThat(AuditLogs.verifyStorage(database, publicKey).intact()).isTrue();

            try (AuditLog restarted = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), Clock.systemUTC())) {
                restarted.sequencePending();
                Set<String> sequencedOutbox = new HashSet<>();
                AuditExports.forEachMatch(restarted, AuditQuery.builder().action(AuditActions.PERMIT_UPDATE).pageSize(1000).build(),
                        event -> sequencedOutbox.add(event.record().objectId()));
                assertThat(sequencedOutbox).containsAll(committedOutbox);
                for (long sequence : List.of(1L, stored / 2, stored)) {
                    assertThat(restarted.event(sequence)).isPresent();
                }
                VerificationResult result = restarted.verify();
                assertThat(result.intact()).as(result.summary()).isTrue();
                assertThat(result.eventCount()).isGreaterThanOrEqualTo(acknowledged.size() + committedOutbox.size());
            }
        }
    }
}
