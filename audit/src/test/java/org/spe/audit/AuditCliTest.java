package org.spe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCliTest {
    private static final AuditActor ERIN = new AuditActor("erin", "AUDITOR", "s-5", "10.0.0.5");

    @TempDir
    Path directory;

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @Test
    void exportThenVerifyTheBundleOffline() throws Exception {
        InMemoryAuditLog auditLog = logWithEvents(12);
        Path bundle = directory.resolve("audit.jsonl");
        Path key = directory.resolve("audit.pem");
        Files.writeString(key, auditLog.publicKeyPem());

        assertThat(AuditCli.exportBundle(auditLog, bundle, ERIN, out)).isZero();
        assertThat(AuditCli.verifyBundle(bundle, key, out)).isZero();
        assertThat(AuditCli.verifyDatabase(auditLog, out)).isZero();

        assertThat(output.toString(StandardCharsets.UTF_8).lines().toList())
                .first().asString().startsWith("Exported 12 events to " + bundle + " (tree size 12, sha256 ");
        assertThat(output.toString(StandardCharsets.UTF_8).lines().toList()).endsWith("OK 12 events", "OK 13 events");
        assertThat(auditLog.search(AuditQuery.builder().action(AuditActions.AUDIT_EXPORT).build()).events())
                .singleElement().satisfies(event -> assertThat(event.record().actor()).isEqualTo(ERIN));
    }

    @Test
    void filteredExportsWriteOnlyMatchingEventsAndAreAudited() throws Exception {
        InMemoryAuditLog auditLog = logWithEvents(12);
        Path csv = directory.resolve("alice.csv");

        int exit = AuditCli.exportEvents(auditLog, AuditQuery.builder().user("alice").pageSize(5).build(), AuditExports.Format.CSV, csv, ERIN, out);

        assertThat(exit).isZero();
        List<String> rows = Files.readAllLines(csv);
        assertThat(rows).hasSize(1 + 6);
        assertThat(rows.subList(1, rows.size())).allSatisfy(row -> assertThat(row).contains(",alice,"));
        assertThat(output.toString(StandardCharsets.UTF_8)).isEqualTo("Exported 6 events to " + csv + "\n");
        assertThat(auditLog.event(13).orElseThrow().record().action()).isEqualTo(AuditActions.AUDIT_EXPORT);
    }

    @Test
    void aMissingBundleIsAnError() throws Exception {
        InMemoryAuditLog auditLog = logWithEvents(1);
        Path key = directory.resolve("audit.pem");
        Files.writeString(key, auditLog.publicKeyPem());

        assertThat(AuditCli.verifyBundle(directory.resolve("missing.jsonl"), key, out)).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).startsWith("ERROR cannot read bundle");
    }

    private static InMemoryAuditLog logWithEvents(int count) {
        InMemoryAuditLog auditLog = new InMemoryAuditLog(Clock.systemUTC());
        for (int i = 0; i < count; i++) {
            AuditActor actor = new AuditActor(i % 2 == 0 ? "alice" : "bob", "RESEARCHER", "s-" + i, "10.0.0." + i);
            auditLog.append(AuditRecord.builder(actor, AuditActions.SQL_EXECUTE).object("query", "q" + i).detail("sql", "SELECT " + i).build());
        }
        return auditLog;
    }
}
