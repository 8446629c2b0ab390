package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.spe.audit.internal.BundleFormat;
import org.spe.core.db.Database;

/**
 * The audit commands of the {@code spe} CLI as plain methods: each prints to {@code out} and
 * returns the process exit code. Verification prints {@code OK <n> events} and returns 0 when
 * intact; otherwise prints {@code FAILED at sequence <s>: <why>} and returns 1. A command that
 * cannot run at all (unreadable file, bad key) prints {@code ERROR …} and returns 2. Stateless;
 * each method blocks until done.
 */
public final class AuditCli {
    public static final int EXIT_OK = 0;
    public static final int EXIT_VERIFICATION_FAILED = 1;
    public static final int EXIT_ERROR = 2;

    private AuditCli() {}

    /** {@code spe audit verify --bundle FILE --public-key FILE}: offline, with only the public key (PEM or raw base64). */
    public static int verifyBundle(Path bundle, Path publicKey, PrintStream out) {
        requireNonNull(bundle, "bundle is null");
        requireNonNull(publicKey, "publicKey is null");
        requireNonNull(out, "out is null");
        byte[] key;
        try {
            key = org.spe.core.secrets.Ed25519KeyPair.parsePublicKey(Files.readString(publicKey, StandardCharsets.US_ASCII));
        } catch (IOException | IllegalArgumentException e) {
            out.println("ERROR cannot read public key " + publicKey + ": " + e.getMessage());
            return EXIT_ERROR;
        }
        try {
            return report(BundleFormat.verify(bundle, key), out);
        } catch (IOException e) {
            out.println("ERROR cannot read bundle " + bundle + ": " + e.getMessage());
            return EXIT_ERROR;
        }
    }

    /** {@code spe audit verify} against the running platform's log: recomputes everything from storage. */
    public static int verifyDatabase(AuditLog log, PrintStream out) {
        requireNonNull(log, "log is null");
        requireNonNull(out, "out is null");
        return report(log.verify(), out);
    }

    /** {@code spe audit verify --data-dir D} with the platform stopped: reads storage as the application role. */
    public static int verifyDatabase(Database database, byte[] publicKey, PrintStream out) {
        requireNonNull(out, "out is null");
        return report(AuditLogs.verifyStorage(database, publicKey), out);
    }

    /** {@code spe audit export --out FILE}: the whole log as a verifiable bundle, exported by {@code actor}. */
    public static int exportBundle(AuditLog log, Path file, AuditActor actor, PrintStream out) {
        requireNonNull(log, "log is null");
        requireNonNull(out, "out is null");
        BundleReceipt receipt = log.exportBundle(file, actor);
        out.println("Exported " + receipt.eventCount() + " events to " + file + " (tree size " + receipt.treeHead().treeSize()
                + ", sha256 " + receipt.sha256() + ")");
        out.println("Verify with: spe audit verify --bundle " + file + " --public-key <audit public key PEM>");
        return EXIT_OK;
    }

    /**
     * {@code spe audit export --out FILE [filters]}: the events matching {@code query} as a
     * verifiable bundle, each with its inclusion proof in a signed tree head.
     */
    public static int exportBundle(AuditLog log, Path file, AuditQuery query, AuditActor actor, PrintStream out) {
        requireNonNull(log, "log is null");
        requireNonNull(out, "out is null");
        BundleReceipt receipt = log.exportBundle(file, query, actor);
        out.println("Exported " + receipt.eventCount() + " matching events to " + file + " (tree size " + receipt.treeHead().treeSize()
                + ", sha256 " + receipt.sha256() + ")");
        return EXIT_OK;
    }

    /**
     * {@code spe audit export --out FILE [filters] [--format ocsf|csv]}: the events matching
     * {@code query} as OCSF JSON lines or CSV (readable copies, not proofs), exported by
     * {@code actor}, which is itself recorded as an {@link AuditActions#AUDIT_EXPORT} event.
     */
    public static int exportEvents(AuditLog log, AuditQuery query, AuditExports.Format format, Path file, AuditActor actor, PrintStream out) {
        requireNonNull(log, "log is null");
        requireNonNull(file, "file is null");
        requireNonNull(out, "out is null");
        long count;
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            count = AuditExports.write(log, query, format, writer);
        } catch (IOException e) {
            out.println("ERROR cannot write " + file + ": " + e.getMessage());
            return EXIT_ERROR;
        }
        log.append(AuditRecord.builder(actor, AuditActions.AUDIT_EXPORT).object("audit-export", file.getFileName().toString())
                .detail("format", format.name()).detail("eventCount", count).detail("query", query.toString()).build());
        out.println("Exported " + count + " events to " + file);
        return EXIT_OK;
    }

    private static int report(VerificationResult result, PrintStream out) {
        out.println(result.summary());
        return result.intact() ? EXIT_OK : EXIT_VERIFICATION_FAILED;
    }
}
