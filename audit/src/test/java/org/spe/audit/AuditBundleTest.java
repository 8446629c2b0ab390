package org.spe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.secrets.Ed25519KeyPair;

/**
 * Alters an exported bundle the ways a forger might and checks that offline verification, with
 * only the public key, fails naming the exact first bad sequence. The bundle holds events 1..10
 * with signed tree heads at sizes 4, 8 and 10.
 */
class AuditBundleTest {
    private static final AuditActor ALICE = new AuditActor("alice", "RESEARCHER", "s-1", "10.0.0.7");

    @TempDir
    Path directory;

    private Path bundle;
    private Path keyFile;
    private List<String> lines;

    @BeforeEach
    void export() throws Exception {
        InMemoryAuditLog auditLog = new InMemoryAuditLog(Clock.systemUTC());
        for (int i = 1; i <= 10; i++) {
            auditLog.append(AuditRecord.builder(ALICE, AuditActions.FILE_WRITE).object("file", "outputs/table" + i + ".csv")
                    .workspace("W-1").detail("bytes", 100 * i).build());
            if (i == 4 || i == 8 || i == 10) {
                auditLog.latestTreeHead();
            }
        }
        bundle = directory.resolve("audit.jsonl");
        auditLog.exportBundle(bundle, ALICE);
        keyFile = directory.resolve("key.pem");
        Files.writeString(keyFile, auditLog.publicKeyPem());
        lines = new ArrayList<>(Files.readAllLines(bundle, StandardCharsets.UTF_8));
    }

    @Test
    void anUntouchedBundleVerifiesWithThePemOrTheRawBase64Key() throws Exception {
        assertThat(verify()).isEqualTo("OK 10 events");
        Files.writeString(keyFile, java.util.Base64.getEncoder().encodeToString(Ed25519KeyPair.parsePublicKey(Files.readString(keyFile))));
        assertThat(verify()).isEqualTo("OK 10 events");
    }

    @Test
    void theBundleLayoutIsHeaderTreeHeadsThenEventGroups() {
        assertThat(lines.get(0)).startsWith("{\"format\":\"spe-audit-bundle/1\"");
        assertThat(lines.subList(1, 4)).allSatisfy(line -> assertThat(line).startsWith("{\"treeHead\":"));
        assertThat(lines.get(4)).startsWith("{\"leafHashes\":{\"from\":1,");
        assertThat(lines.get(5)).startsWith("{\"seq\":1,\"time\":\"");
        assertThat(lines).hasSize(15);
    }

    @Test
    void aChangedFieldIsNamed() throws Exception {
        replaceInEvent(6, "\"userId\":\"alice\"", "\"userId\":\"alicf\"");
        assertThat(verify()).isEqualTo("FAILED at sequence 6: event content does not match its stored leaf hash");
    }

    @Test
    void aChangedFieldWithARecomputedLeafHashFailsAtTheSignedRoot() throws Exception {
        replaceInEvent(6, "\"bytes\":600", "\"bytes\":1");
        byte[] leaf = TreeHashes.leafHash(eventLine(6).getBytes(StandardCharsets.UTF_8));
        String group = lines.get(4);
        List<String> hashes = List.of(group.substring(group.indexOf('[') + 1, group.indexOf(']')).split(","));
        List<String> changed = new ArrayList<>(hashes);
        changed.set(5, "\"" + java.util.Base64.getEncoder().encodeToString(leaf) + "\"");
        lines.set(4, group.replace(String.join(",", hashes), String.join(",", changed)));
        assertThat(verify()).isEqualTo("FAILED at sequence 5: events 5..8 do not hash to the root signed for size 8");
    }

    @Test
    void aDeletedEventIsNamed() throws Exception {
        lines.remove(eventIndex(6));
        assertThat(verify()).isEqualTo("FAILED at sequence 6: event 6 is missing (next present is 7)");
    }

    @Test
    void twoSwappedEventsAreNamed() throws Exception {
        int sixth = eventIndex(6);
        String line = lines.get(sixth);
        lines.set(sixth, lines.get(sixth + 1));
        lines.set(sixth + 1, line);
        assertThat(verify()).isEqualTo("FAILED at sequence 6: event 6 is missing (next present is 7)");
    }

    @Test
    void aTruncatedTailIsNamed() throws Exception {
        lines = new ArrayList<>(lines.subList(0, eventIndex(9)));
        assertThat(verify()).isEqualTo("FAILED at sequence 9: the log ends at 8 but a signed tree head covers 10 events");
    }

    @Test
    void aForgedTreeHeadIsNamed() throws Exception {
        int head = 2;
        assertThat(lines.get(head)).contains("\"treeSize\":8");
        lines.set(head, lines.get(head).replace("\"treeSize\":8", "\"treeSize\":7"));
        assertThat(verify()).isEqualTo("FAILED at sequence 5: tree head of size 7 has an invalid signature");
    }

    @Test
    void aBundleVerifiedWithAnotherKeyFailsAtTheFirstTreeHead() throws Exception {
        Files.writeString(keyFile, Ed25519KeyPair.generate(new java.security.SecureRandom()).publicKeyPem());
        assertThat(verify()).isEqualTo("FAILED at sequence 1: tree head of size 4 has an invalid signature");
    }

    @Test
    void anUnreadableKeyIsAnErrorNotAVerdict() throws Exception {
        Files.writeString(keyFile, "not a key");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        assertThat(AuditCli.verifyBundle(bundle, keyFile, new PrintStream(output, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).startsWith("ERROR cannot read public key");
    }

    @Test
    void aFilteredBundleProvesEachEventAndNamesAnAlteredOne() throws Exception {
        InMemoryAuditLog auditLog = new InMemoryAuditLog(Clock.systemUTC());
        for (int i = 1; i <= 40; i++) {
            auditLog.append(AuditRecord.builder(new AuditActor(i % 3 == 0 ? "bob" : "alice", "RESEARCHER", "s", "10.0.0.1"),
                    AuditActions.SQL_EXECUTE).object("query", "q" + i).detail("rows", i).build());
        }
        Path filtered = directory.resolve("bob.jsonl");
        Files.writeString(keyFile, auditLog.publicKeyPem());
        ByteArrayOutputStream exportOutput = new ByteArrayOutputStream();
        assertThat(AuditCli.exportBundle(auditLog, filtered, AuditQuery.builder().user("bob").build(), ALICE,
                new PrintStream(exportOutput, true, StandardCharsets.UTF_8))).isZero();
        bundle = filtered;
        lines = new ArrayList<>(Files.readAllLines(filtered, StandardCharsets.UTF_8));

        assertThat(lines.get(0)).contains("\"filtered\":true");
        assertThat(verify()).isEqualTo("OK 13 events");

        replaceInEvent(21, "\"rows\":21", "\"rows\":20");
        assertThat(verify()).isEqualTo("FAILED at sequence 21: event 21 is not proven included in a signed tree head of size 40");
    }

    private int eventIndex(long sequence) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("{\"seq\":" + sequence + ",")) {
                return i;
            }
        }
        throw new IllegalStateException("no event " + sequence);
    }

    private String eventLine(long sequence) {
        return lines.get(eventIndex(sequence));
    }

    private void replaceInEvent(long sequence, String from, String to) {
        int index = eventIndex(sequence);
        assertThat(lines.get(index)).contains(from);
        lines.set(index, lines.get(index).replace(from, to));
    }

    private String verify() throws Exception {
        Files.write(bundle, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int exit = AuditCli.verifyBundle(bundle, keyFile, new PrintStream(output, true, StandardCharsets.UTF_8));
        String summary = output.toString(StandardCharsets.UTF_8).trim();
        assertThat(exit).isEqualTo(summary.startsWith("OK") ? 0 : 1);
        return summary;
    }
}
