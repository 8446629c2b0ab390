package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import org.spe.audit.internal.PostgresAuditLog;
import org.spe.core.db.Database;
import org.spe.core.secrets.SecretStore;

/** Creates audit logs. Stateless. */
public final class AuditLogs {
    private AuditLogs() {}

    /**
     * Opens the PostgreSQL audit log in {@code database} (migrating schema {@code audit}), with the
     * tree-head signing key pair {@code settings.signingKeyName()} from {@code secrets} (created on
     * first use). Rebuilds the Merkle tree from storage, sequences outbox rows left by a crash,
     * and starts the writer thread. Blocks while loading.
     */
    public static AuditLog postgres(Database database, SecretStore secrets, AuditLogSettings settings, Clock clock) {
        requireNonNull(secrets, "secrets is null");
        requireNonNull(settings, "settings is null");
        return PostgresAuditLog.open(database, secrets.signingKeyPair(settings.signingKeyName()), settings, clock);
    }

    /**
     * Verifies the audit log stored in {@code database} without opening it for writing (for
     * {@code spe audit verify --data-dir} while the platform is stopped), with the raw 32-byte
     * Ed25519 {@code publicKey}. Reads the whole log as the application role.
     */
    public static VerificationResult verifyStorage(Database database, byte[] publicKey) {
        requireNonNull(database, "database is null");
        return PostgresAuditLog.verifyStorage(database.app(), publicKey);
    }
}
