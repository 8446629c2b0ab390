package org.spe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.db.Database;
import org.spe.core.secrets.Ed25519KeyPair;
import org.spe.core.secrets.InMemorySecretStore;
import org.spe.core.testing.TestDatabases;

/**
 * Alters stored audit rows as the database owner (bypassing the append-only trigger the way a
 * superuser could) and checks that verification fails naming the exact first bad sequence. The
 * log holds events 1..11 with signed tree heads at sizes 4, 8, 10 and 11.
 */
class AuditTamperingIT {
    private static final AuditActor ALICE = new AuditActor("alice", "RESEARCHER", "s-1", "10.0.0.7");

    @TempDir
    Path directory;

    private Database database;
    private byte[] publicKey;
    private Path bundle;

    @BeforeEach
    void fillTheLog() {
        database = TestDatabases.fresh();
        try (AuditLog auditLog = AuditLogs.postgres(database, new InMemorySecretStore(), AuditLogSettings.defaults(), Clock.systemUTC())) {
            for (int i = 1; i <= 10; i++) {
                auditLog.append(AuditRecord.builder(ALICE, AuditActions.SQL_EXECUTE).object("query", "q" + i).workspace("W-1")
                        .detail("sql", "SELECT " + i).build());
                if (i == 4 || i == 8 || i == 10) {
                    auditLog.latestTreeHead();
                }
            }
            bundle = directory.resolve("audit.bundle.jsonl");
            auditLog.exportBundle(bundle, ALICE);
            publicKey = auditLog.publicKey();
        }
    }

    @AfterEach
    void closeDatabase() {
        database.close();
    }

    @Test
    void anUntouchedLogVerifiesAndItsBundleVerifiesOffline() throws Exception {
        assertThat(verifyDatabase()).isEqualTo("OK 11 events");
        Path keyFile = directory.resolve("audit-public-key.pem");
        Files.writeString(keyFile, Ed25519KeyPair.publicKeyPem(publicKey));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = AuditCli.verifyBundle(bundle, keyFile, new PrintStream(output, true, StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        assertThat(output.toString(StandardCharsets.UTF_8)).isEqualTo("OK 10 events\n");
    }

    @Test
    void aChangedFieldIsNamed() throws SQLException {
        asOwner("UPDATE audit.event SET user_id = 'mallory' WHERE seq = 6");
        assertThat(verifyDatabase()).isEqualTo("FAILED at sequence 6: event content does not match its stored leaf hash");
    }

    @Test
    void aChangedTimeIsNamed() throws SQLException {
        asOwner("UPDATE audit.event SET event_time = event_time - interval '1 hour' WHERE seq = 3");
        assertThat(verifyDatabase()).startsWith("FAILED at sequence 3:");
    }

    @Test
    void aChangedFieldWithARecomputedLeafHashFailsAtTheSignedRoot() throws SQLException {
        asOwner("UPDATE audit.event SET details = '{\"sql\":\"SELECT 0\"}' WHERE seq = 6");
        // A careful forger recomputes the stored leaf hash too; then only the signed root of size 8
        // catches it, and everything after the last verified head (size 4) is unproven.
        byte[] canonical = org.spe.audit.internal.EventCodec.encode(6, readTime(6), ALICE.userId(), ALICE.role(), ALICE.sessionId(),
                ALICE.sourceAddress(), AuditActions.SQL_EXECUTE, "query", "q6", null, "W-1", null, "SUCCESS", null, "{\"sql\":\"SELECT 0\"}");
        try (Connection owner = database.owner().getConnection();
                PreparedStatement statement = owner.prepareStatement("UPDATE audit.event SET leaf_hash = ? WHERE seq = 6")) {
            owner.createStatement().execute("SET session_replication_role = replica");
            statement.setBytes(1, TreeHashes.leafHash(canonical));
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
        assertThat(verifyDatabase()).isEqualTo("FAILED at sequence 5: events 5..8 do not hash to the root signed for size 8");
    }

    @Test
    void aDeletedEventIsNamed() throws SQLException {
        asOwner("DELETE FROM audit.event WHERE seq = 6");
        assertThat(verifyDatabase()).isEqualTo("FAILED at sequence 6: event 6 is missing (next present is 7)");
    }

    @Test
    void twoSwappedEventsAreNamed() throws SQLException {
        asOwner("UPDATE audit.event SET seq = -1 WHERE seq = 6");
        asOwner("UPDATE audit.event SET seq = 6 WHERE seq = 7");
        asOwner("UPDATE audit.event SET seq = 7 WHERE seq = -1");
        assertThat(verifyDatabase()).isEqualTo("FAILED at sequence 6: event content does not match its stored leaf hash");
    }

    @Test
    void aTruncatedTailIsNamed() throws SQLException {
        asOwner("DELETE FROM audit.event WHERE seq >= 9");
        assertThat(verifyDatabase()).isEqualTo("FAILED at sequence 9: the log ends at 8 but a signed tree head covers 11 events");
    }

    @Test
    void aForgedTreeHeadIsNamed() throws SQLException {
        asOwner("UPDATE audit.tree_head SET root_hash = sha256('forged'::bytea) WHERE tree_size = 8");
        assertThat(verifyDatabase()).isEqualTo("FAILED at sequence 5: tree head of size 8 has an invalid signature");
    }

    @Test
    void aTreeHeadSignedWithAnotherKeyIsNamed() throws SQLException {
        Ed25519KeyPair mallory = Ed25519KeyPair.generate(new java.security.SecureRandom());
        SignedTreeHead forged = SignedTreeHead.sign(8, new byte[32], java.time.Instant.now(), mallory);
        asOwner("DELETE FROM audit.tree_head WHERE tree_size = 8");
        try (Connection owner = database.owner().getConnection();
                PreparedStatement statement = owner.prepareStatement("INSERT INTO audit.tree_head VALUES (8, now(), ?, ?)")) {
            statement.setBytes(1, forged.rootHash());
            statement.setBytes(2, forged.signature());
            statement.executeUpdate();
        }
        assertThat(verifyDatabase()).isEqualTo("FAILED at sequence 5: tree head of size 8 has an invalid signature");
    }

    @Test
    void theCliReportsAFailureWithExitCodeOne() throws SQLException {
        asOwner("UPDATE audit.event SET outcome = 'DENIED' WHERE seq = 2");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = AuditCli.verifyDatabase(database, publicKey, new PrintStream(output, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(1);
        assertThat(output.toString(StandardCharsets.UTF_8)).startsWith("FAILED at sequence 2:");
    }

    private String verifyDatabase() {
        return AuditLogs.verifyStorage(database, publicKey).summary();
    }

    private String readTime(long sequence) throws SQLException {
        try (Connection owner = database.owner().getConnection(); Statement statement = owner.createStatement();
                var rows = statement.executeQuery("SELECT event_time FROM audit.event WHERE seq = " + sequence)) {
            rows.next();
            return org.spe.audit.internal.EventCodec.formatTime(rows.getTimestamp(1).toInstant());
        }
    }

    private void asOwner(String sql) throws SQLException {
        try (Connection owner = database.owner().getConnection(); Statement statement = owner.createStatement()) {
            statement.execute("SET session_replication_role = replica");
            statement.execute(sql);
            statement.execute("SET session_replication_role = origin");
        }
    }
}
