package org.spe.audit;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import org.spe.core.db.Database;
import org.spe.core.secrets.LocalKeystoreSecretStore;

/**
 * The child process of {@link AuditCrashIT}: appends to the audit log in a burst from several
 * threads until it is killed, printing {@code ACK <sequence>} for every append acknowledged and
 * {@code OUTBOX <object id>} for every transaction committed with an outbox event.
 * Arguments: JDBC URL, owner user, owner password, application user, application password,
 * keystore file, keystore passphrase.
 */
public final class CrashingAppender {
    private CrashingAppender() {}

    public static void main(String[] arguments) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        Database database = Database.external(arguments[0], arguments[1], arguments[2], arguments[3], arguments[4]);
        LocalKeystoreSecretStore secrets = LocalKeystoreSecretStore.open(Path.of(arguments[5]), arguments[6].toCharArray(), AuditCrashIT.CHEAP_KDF);
        AuditLog auditLog = AuditLogs.postgres(database, secrets, AuditLogSettings.defaults(), Clock.systemUTC());
        AuditActor actor = new AuditActor("bulk", "RESEARCHER", "s-9", "10.9.9.9");
        for (int t = 0; t < 8; t++) {
            int thread = t;
            Thread appender = new Thread(() -> {
                for (long i = 0; ; i++) {
                    AuditEvent event = auditLog.append(AuditRecord.builder(actor, AuditActions.SQL_EXECUTE)
                            .object("query", thread + "-" + i).workspace("W-1").detail("sql", "SELECT " + i).build());
                    out.println("ACK " + event.sequence());
                }
            }, "appender-" + t);
            appender.start();
        }
        Thread transactional = new Thread(() -> {
            for (long i = 0; ; i++) {
                try (Connection tx = database.app().getConnection()) {
                    tx.setAutoCommit(false);
                    auditLog.appendInTransaction(tx, AuditRecord.builder(actor, AuditActions.PERMIT_UPDATE).object("permit", "tx-" + i).build());
                    tx.commit();
                    out.println("OUTBOX tx-" + i);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        }, "transactional");
        transactional.start();
        Thread.currentThread().join();
    }
}
