package org.spe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.spe.audit.internal.EventCodec;

class AuditRecordTest {
    private static final AuditActor ALICE = new AuditActor("alice", "RESEARCHER", "s-1", "10.0.0.7");

    @Test
    void theBuilderFillsEveryField() {
        AuditRecord record = AuditRecord.builder(ALICE, "release.decision").object("release", "R-1").permit("P-1").workspace("W-1")
                .dataset("ndb").outcome(AuditOutcome.DENIED).reason("not a checker").detail("decision", "REJECTED").build();

        assertThat(record).isEqualTo(new AuditRecord(ALICE, "release.decision", "release", "R-1", Optional.of("P-1"), Optional.of("W-1"),
                Optional.of("ndb"), AuditOutcome.DENIED, Optional.of("not a checker"), Map.of("decision", "REJECTED")));
        assertThat(record.toBuilder().build()).isEqualTo(record);
    }

    @Test
    void detailsAreDeepCopiedAndSorted() {
        List<Object> list = new ArrayList<>(List.of(1, "two"));
        Map<String, Object> nested = new HashMap<>(Map.of("z", 1, "a", list));
        AuditRecord record = AuditRecord.builder(ALICE, "sql.execute").detail("b", nested).detail("a", true).build();
        list.add("three");
        nested.put("new", 1);

        assertThat(record.details()).containsOnlyKeys("a", "b");
        assertThat(EventCodec.detailsJson(record.details())).isEqualTo("{\"a\":true,\"b\":{\"a\":[1,\"two\"],\"z\":1}}");
        assertThatThrownBy(() -> record.details().put("c", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void invalidRecordsAreRefused() {
        assertThatThrownBy(() -> AuditRecord.builder(ALICE, "Login").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dotted lower-case");
        assertThatThrownBy(() -> AuditRecord.builder(ALICE, "auth.login").detail("x", null).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("details.x is null");
        assertThatThrownBy(() -> AuditRecord.builder(ALICE, "auth.login").detail("x", Double.NaN).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a finite number");
        assertThatThrownBy(() -> AuditRecord.builder(ALICE, "auth.login").detail("x", new Object()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> AuditRecord.builder(ALICE, "auth.login").permit(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("permitId is null");
        assertThatThrownBy(() -> new AuditActor(" ", "R", "", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("userId is blank");
    }

    @Test
    void systemAndAnonymousActorsHaveFixedIdentities() {
        assertThat(AuditActor.system()).isEqualTo(new AuditActor("system", "SYSTEM", "", "local"));
        assertThat(AuditActor.anonymous("192.0.2.1")).isEqualTo(new AuditActor("anonymous", "ANONYMOUS", "", "192.0.2.1"));
    }

    @Test
    void theCanonicalFormHasAFixedFieldOrderAndRoundTrips() {
        AuditRecord record = AuditRecord.builder(ALICE, "file.write").object("file", "outputs/t.csv").workspace("W-1")
                .reason("quote \" backslash \\ newline \n").detail("bytes", 12).build();
        java.time.Instant time = java.time.Instant.parse("2026-11-23T10:15:30.000100Z");
        byte[] canonical = EventCodec.encode(7, time, record, EventCodec.detailsJson(record.details()));

        assertThat(new String(canonical, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("{\"seq\":7,\"time\":\"2026-11-23T10:15:30.000100Z\","
                + "\"userId\":\"alice\",\"role\":\"RESEARCHER\",\"sessionId\":\"s-1\",\"sourceAddress\":\"10.0.0.7\",\"action\":\"file.write\","
                + "\"objectType\":\"file\",\"objectId\":\"outputs/t.csv\",\"permitId\":null,\"workspaceId\":\"W-1\",\"datasetId\":null,"
                + "\"outcome\":\"SUCCESS\",\"reason\":\"quote \\\" backslash \\\\ newline \\u000a\",\"details\":{\"bytes\":12}}");
        AuditEvent decoded = EventCodec.decode(canonical);
        assertThat(decoded.sequence()).isEqualTo(7);
        assertThat(decoded.time()).isEqualTo(time);
        assertThat(decoded.record()).isEqualTo(record);
        assertThat(decoded.leafHash()).isEqualTo(java.util.HexFormat.of().formatHex(TreeHashes.leafHash(canonical)));
    }
}
