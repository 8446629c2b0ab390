package org.spe.audit;

import org.spe.core.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.spe.core.db.Database;
import org.spe.core.secrets.InMemorySecretStore;
import org.spe.core.testing.TestDatabases;

class PostgresAuditLogIT {
    private static final AuditActor ALICE = new AuditActor("alice", "RESEARCHER", "s-1", "10.0.0.7");

    private Database database;
    private InMemorySecretStore secrets;
    private AuditLog auditLog;

    @BeforeEach
    void open() {
        database = TestDatabases.fresh();
        secrets = new InMemorySecretStore();
        auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), Clock.systemUTC());
    }

    @AfterEach
    void close() {
        auditLog.close();
        database.close();
    }

    @Test
    void appendedEventsGetGapFreeSequenceNumbersAndReadBackIntact() {
        AuditEvent login = auditLog.append(AuditRecord.builder(ALICE, AuditActions.AUTH_LOGIN).object("user", "alice").build());
        AuditEvent query = auditLog.append(AuditRecord.builder(ALICE, AuditActions.SQL_EXECUTE).object("workspace", "W-1")
                .permit("P-1").workspace("W-1").dataset("ndb").detail("sql", "SELECT count(*)\tFROM claims -- \\ \"quoted\"\nWHERE x = 'é'")
                .detail("rows", 42).detail("nested", java.util.Map.of("b", List.of(1, 2), "a", true)).build());

        assertThat(login.sequence()).isEqualTo(1);
        assertThat(query.sequence()).isEqualTo(2);
        AuditEvent stored = auditLog.event(2).orElseThrow();
        assertThat(stored.record()).isEqualTo(query.record());
        assertThat(stored.leafHash()).isEqualTo(query.leafHash());
        assertThat(stored.time()).isEqualTo(query.time());
        assertThat(auditLog.verify().summary()).isEqualTo("OK 2 events");
    }

    @Test
    void storedEventsReencodeExactlyWhateverTheirCharactersAndTimes() {
        auditLog.close();
        for (String time : List.of("2026-01-01T00:00:00Z", "2026-01-01T00:00:00.120Z", "2026-01-01T00:00:00.000001Z")) {
            auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), Clock.fixed(java.time.Instant.parse(time), java.time.ZoneOffset.UTC));
            auditLog.append(AuditRecord.builder(new AuditActor("u\\ser\u0001", "R\"OLE", "s\ts", "::1"), AuditActions.NOTEBOOK_EXECUTE)
                    .object("cell", "line1\nline2\r\n").reason("bell\u0007 and \\N and \\x41 and 日本語")
                    .detail("code", "print('\\t')\n\tx = \"é\"").detail("weird key\n", List.of("\u001f", 1.5, -7)).build());
            assertThat(auditLog.verify().intact()).as(time).isTrue();
            auditLog.close();
        }
        auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), Clock.systemUTC());
        assertThat(auditLog.verify().summary()).isEqualTo("OK 3 events");
        assertThat(auditLog.event(2).orElseThrow().time()).isEqualTo(java.time.Instant.parse("2026-01-01T00:00:00.120Z"));
    }

    @Test
    void concurrentAppendsAreBatchedWithoutGapsOrDuplicates() {
        List<CompletableFuture<AuditEvent>> futures = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            futures.add(auditLog.appendAsync(AuditRecord.builder(ALICE, AuditActions.FILE_WRITE).object("file", "out-" + i).build()));
        }
        Set<Long> sequences = new HashSet<>();
        futures.forEach(future -> sequences.add(future.join().sequence()));

        assertThat(sequences).hasSize(5_000);
        assertThat(sequences).allSatisfy(sequence -> assertThat(sequence).isBetween(1L, 5_000L));
        assertThat(auditLog.verify().summary()).isEqualTo("OK 5000 events");
    }

    @Test
    void aStateChangeAndItsEventCommitOrRollBackTogether() throws SQLException {
        try (Connection tx = database.app().getConnection()) {
            tx.setAutoCommit(false);
            auditLog.appendInTransaction(tx, AuditRecord.builder(ALICE, AuditActions.PERMIT_UPDATE).object("permit", "P-9").build());
            tx.rollback();
        }
        try (Connection tx = database.app().getConnection()) {
            tx.setAutoCommit(false);
            auditLog.appendInTransaction(tx, AuditRecord.builder(ALICE, AuditActions.PERMIT_CREATE).object("permit", "P-1").permit("P-1").build());
            tx.commit();
        }
        auditLog.sequencePending();

        AuditPage page = auditLog.search(AuditQuery.builder().build());
        assertThat(page.events()).extracting(event -> event.record().action()).containsExactly(AuditActions.PERMIT_CREATE);
        assertThat(page.events().get(0).sequence()).isEqualTo(1);
        assertThat(auditLog.verify().intact()).isTrue();
    }

    @Test
    void outboxRowsLeftByACrashAreSequencedOnRestart() throws SQLException {
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.AUTH_LOGIN).object("user", "alice").build());
        auditLog.close();
        try (Connection tx = database.app().getConnection()) {
            tx.setAutoCommit(false);
            // The log is closed: this committed outbox row stands for one whose process died before its sequencer ran.
            try (var statement = tx.prepareStatement("INSERT INTO audit.outbox (created_at, user_id, role, session_id, source_address, "
                    + "action, object_type, object_id, outcome, details) VALUES (now(), 'bob', 'RESEARCHER', 's-2', '10.0.0.8', "
                    + "'workspace.start', 'workspace', 'W-2', 'SUCCESS', '{}')")) {
                statement.executeUpdate();
            }
            tx.commit();
        }

        auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), Clock.systemUTC());
        auditLog.sequencePending();

        assertThat(auditLog.event(2).orElseThrow().record().actor().userId()).isEqualTo("bob");
        assertThat(auditLog.verify().summary()).isEqualTo("OK 2 events");
    }

    @Test
    void reopeningContinuesTheSequenceAndTheTree() {
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.AUTH_LOGIN).object("user", "alice").build());
        SignedTreeHead first = auditLog.latestTreeHead();
        auditLog.close();

        auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), Clock.systemUTC());
        AuditEvent second = auditLog.append(AuditRecord.builder(ALICE, AuditActions.AUTH_LOGOUT).object("user", "alice").build());
        SignedTreeHead latest = auditLog.latestTreeHead();

        assertThat(second.sequence()).isEqualTo(2);
        assertThat(latest.treeSize()).isEqualTo(2);
        assertThat(auditLog.consistencyProof(1, 2).verify(first.rootHash(), latest.rootHash())).isTrue();
    }

    @Test
    void proofsVerifyAgainstTheSignedTreeHead() {
        for (int i = 0; i < 37; i++) {
            auditLog.append(AuditRecord.builder(ALICE, AuditActions.SQL_EXECUTE).object("query", "q" + i).build());
        }
        SignedTreeHead early = auditLog.latestTreeHead();
        for (int i = 0; i < 20; i++) {
            auditLog.append(AuditRecord.builder(ALICE, AuditActions.SQL_EXECUTE).object("query", "r" + i).build());
        }
        SignedTreeHead head = auditLog.latestTreeHead();

        assertThat(head.verifySignature(auditLog.publicKey())).isTrue();
        assertThat(head.verifySignature(org.spe.core.secrets.Ed25519KeyPair.parsePublicKey(auditLog.publicKeyPem()))).isTrue();
        InclusionProof proof = auditLog.inclusionProof(12, head.treeSize());
        assertThat(proof.leafHash()).isEqualTo(java.util.HexFormat.of().parseHex(auditLog.event(12).orElseThrow().leafHash()));
        assertThat(proof.verify(head.rootHash())).isTrue();
        assertThat(proof.verify(early.rootHash())).isFalse();
        assertThat(auditLog.consistencyProof(early.treeSize(), head.treeSize()).verify(early.rootHash(), head.rootHash())).isTrue();
        assertThatThrownBy(() -> auditLog.inclusionProof(58, 57)).hasMessageContaining("not in a tree of 57");
        assertThatThrownBy(() -> auditLog.consistencyProof(5, 99)).hasMessageContaining("not between 1 and the 57 events");
    }

    @Test
    void searchFiltersAndPagesStably() {
        for (int i = 0; i < 30; i++) {
            AuditActor actor = i % 2 == 0 ? ALICE : new AuditActor("bob", "RESEARCHER", "s-2", "10.0.0.8");
            auditLog.append(AuditRecord.builder(actor, i % 3 == 0 ? AuditActions.DATA_EXTRACT : AuditActions.SQL_EXECUTE)
                    .object("workspace", "W-" + (i % 5)).permit("P-" + (i % 2)).workspace("W-" + (i % 5)).dataset("ndb")
                    .outcome(i % 10 == 9 ? AuditOutcome.DENIED : AuditOutcome.SUCCESS).build());
        }

        List<Long> seen = new ArrayList<>();
        AuditQuery query = AuditQuery.builder().user("alice").pageSize(4).build();
        AuditPage page = auditLog.search(query);
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.AUTH_LOGIN).object("user", "alice").build());
        while (true) {
            page.events().forEach(event -> seen.add(event.sequence()));
            if (page.nextCursor().isEmpty()) {
                break;
            }
            page = auditLog.search(query.withCursor(page.nextCursor()));
        }
        assertThat(seen).containsExactly(1L, 3L, 5L, 7L, 9L, 11L, 13L, 15L, 17L, 19L, 21L, 23L, 25L, 27L, 29L, 31L);

        assertThat(auditLog.search(AuditQuery.builder().permit("P-1").outcome(AuditOutcome.DENIED).build()).events())
                .extracting(AuditEvent::sequence).containsExactly(10L, 20L, 30L);
        assertThat(auditLog.search(AuditQuery.builder().workspace("W-0").action(AuditActions.DATA_EXTRACT).newestFirst(true).build()).events())
                .extracting(AuditEvent::sequence).containsExactly(16L, 1L);
        assertThat(auditLog.search(AuditQuery.builder().dataset("ndb").user("bob").pageSize(2).newestFirst(true).build()).events())
                .extracting(AuditEvent::sequence).containsExactly(30L, 28L);
        AuditEvent tenth = auditLog.event(10).orElseThrow();
        assertThat(auditLog.search(AuditQuery.builder().from(tenth.time()).to(tenth.time().plusNanos(1000)).build()).events())
                .extracting(AuditEvent::sequence).contains(10L);
    }

    @Test
    void theApplicationRoleCannotChangeOrDeleteAuditRows() throws SQLException {
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.AUTH_LOGIN).object("user", "alice").build());
        auditLog.latestTreeHead();

        try (Connection app = database.app().getConnection(); Statement statement = app.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit.event SET user_id = 'mallory'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit.event"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("TRUNCATE audit.event"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit.tree_head SET tree_size = 0"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit.tree_head"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> statement.executeQuery("SELECT audit.purge_through(1)"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("not covered by an export");
        }
        try (Connection owner = database.owner().getConnection(); Statement statement = owner.createStatement()) {
            assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit.event SET user_id = 'mallory'"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("audit.event is append-only: UPDATE refused");
            assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit.event"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("audit.event is append-only: DELETE refused");
        }
        assertThat(auditLog.verify().summary()).isEqualTo("OK 1 events");
    }

    @Test
    void retentionPurgesOnlyExportedEventsAndTheLogStillVerifies() throws Exception {
        auditLog.close();
        MutableClock clock = new MutableClock(java.time.Instant.parse("2024-03-01T00:00:00Z"));
        auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), clock);
        for (int i = 0; i < 6; i++) {
            auditLog.append(AuditRecord.builder(ALICE, AuditActions.SQL_EXECUTE).object("query", "old-" + i).build());
        }
        clock.advance(Duration.ofDays(366));
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.SQL_EXECUTE).object("query", "new").build());
        assertThatThrownBy(() -> auditLog.purgeExpired(AuditActor.system())).hasMessageContaining("export the log first");

        java.nio.file.Path bundle = java.nio.file.Files.createTempFile("audit", ".jsonl");
        auditLog.exportBundle(bundle, AuditActor.system());
        assertThat(auditLog.purgeExpired(AuditActor.system())).isEqualTo(new PurgeResult(6, 6));

        assertThat(auditLog.event(6)).isEmpty();
        assertThat(auditLog.event(7)).isPresent();
        assertThat(auditLog.verify().summary()).isEqualTo("OK 3 events");
        java.nio.file.Path afterPurge = java.nio.file.Files.createTempFile("audit", ".jsonl");
        auditLog.exportBundle(afterPurge, AuditActor.system());
        assertThat(org.spe.audit.internal.BundleFormat.verify(afterPurge, auditLog.publicKey()).summary()).isEqualTo("OK 3 events");
        auditLog.close();
        auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), clock);
        assertThat(auditLog.size()).isEqualTo(10);
        assertThat(auditLog.verify().summary()).isEqualTo("OK 4 events");
        java.nio.file.Files.delete(bundle);
        java.nio.file.Files.delete(afterPurge);
    }

    @Test
    void aFilteredBundleFromTheDatabaseVerifiesOffline() throws Exception {
        for (int i = 0; i < 25; i++) {
            auditLog.append(AuditRecord.builder(i % 5 == 0 ? ALICE : new AuditActor("bob", "RESEARCHER", "s-2", "10.0.0.8"),
                    AuditActions.DATA_EXTRACT).object("extract", "e" + i).dataset("ndb")
                    .detail("amount", new java.math.BigDecimal("1.50")).detail("rows", i).build());
        }
        java.nio.file.Path bundle = java.nio.file.Files.createTempFile("audit-alice", ".jsonl");

        BundleReceipt receipt = auditLog.exportBundle(bundle, AuditQuery.builder().user("alice").build(), AuditActor.system());

        assertThat(receipt.eventCount()).isEqualTo(5);
        assertThat(org.spe.audit.internal.BundleFormat.verify(bundle, auditLog.publicKey()).summary()).isEqualTo("OK 5 events");
        java.nio.file.Files.delete(bundle);
    }

    @Test
    void alertsAreStoredOnceAndListed() {
        AuditAlert alert = new AuditAlert("LARGE_EXTRACT", "user:alice", java.time.Instant.parse("2026-11-22T00:00:00Z"),
                java.time.Instant.parse("2026-11-23T00:00:00Z"), 1, 3, 3, "big", java.time.Instant.parse("2026-11-23T00:05:00Z"));
        assertThat(auditLog.recordAlerts(List.of(alert))).containsExactly(alert);
        assertThat(auditLog.recordAlerts(List.of(alert))).isEmpty();
        assertThat(auditLog.alerts(java.time.Instant.parse("2026-11-23T00:00:00Z"), java.time.Instant.parse("2026-11-24T00:00:00Z")))
                .containsExactly(alert);
    }

    @Test
    void treeHeadsAreSignedWhileEventsArriveAndOnClose() throws InterruptedException {
        auditLog.close();
        auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults().withTreeHeadInterval(Duration.ofMillis(50)), Clock.systemUTC());
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.AUTH_LOGIN).object("user", "alice").build());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (auditLog.treeHeads(Long.MAX_VALUE).stream().noneMatch(head -> head.treeSize() == 1) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(auditLog.treeHeads(Long.MAX_VALUE)).extracting(SignedTreeHead::treeSize).contains(1L);

        auditLog.append(AuditRecord.builder(ALICE, AuditActions.AUTH_LOGOUT).object("user", "alice").build());
        auditLog.close();
        auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), Clock.systemUTC());
        assertThat(auditLog.treeHeads(Long.MAX_VALUE)).extracting(SignedTreeHead::treeSize).contains(1L, 2L);
    }
}
