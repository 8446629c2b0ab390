package org.spe.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class AuditExportsTest {
    private static final AuditActor ALICE = new AuditActor("alice", "RESEARCHER", "s-1", "10.0.0.7");

    @Test
    void everyKnownActionHasAnExplicitOcsfMapping() {
        assertThat(AuditActions.ALL).allSatisfy(action -> assertThat(OcsfMapping.isMapped(action)).as(action).isTrue());
        assertThat(AuditActions.ALL).doesNotHaveDuplicates();
        assertThat(OcsfMapping.classOf("something.new")).isEqualTo(new OcsfMapping.OcsfClass(6003, "API Activity", 99, "Other"));
        assertThat(OcsfMapping.classOf(AuditActions.AUTH_LOGIN).typeUid()).isEqualTo(300201);
        assertThat(OcsfMapping.classOf(AuditActions.FILE_WRITE).categoryUid()).isEqualTo(1);
    }

    @Test
    void theSchemaDocumentListsTheMappingOfEveryAction() throws Exception {
        String document = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "audit-log-schema.md"));
        assertThat(AuditActions.ALL).allSatisfy(action -> {
            OcsfMapping.OcsfClass ocsf = OcsfMapping.classOf(action);
            assertThat(document).contains("| `" + action + "` | " + ocsf.classUid() + " " + ocsf.className() + " | "
                    + ocsf.activityId() + " " + ocsf.activityName() + " | " + ocsf.typeUid() + " |");
        });
    }

    @Test
    void ocsfJsonLinesCarryClassActivityStatusAndSpeFields() throws Exception {
        InMemoryAuditLog auditLog = new InMemoryAuditLog(Clock.systemUTC());
        auditLog.append(AuditRecord.builder(AuditActor.anonymous("192.0.2.1"), AuditActions.AUTH_LOGIN).object("user", "mallory")
                .outcome(AuditOutcome.FAILED).reason("wrong TOTP").build());
        StringWriter out = new StringWriter();

        long count = AuditExports.write(auditLog, AuditQuery.builder().build(), AuditExports.Format.OCSF_JSON_LINES, out);

        assertThat(count).isEqualTo(1);
        JsonNode event = new ObjectMapper().readTree(out.toString());
        assertThat(event.get("class_uid").asInt()).isEqualTo(3002);
        assertThat(event.get("activity_id").asInt()).isEqualTo(1);
        assertThat(event.get("type_uid").asLong()).isEqualTo(300201);
        assertThat(event.get("status_id").asInt()).isEqualTo(2);
        assertThat(event.get("status_detail").asText()).isEqualTo("wrong TOTP");
        assertThat(event.at("/src_endpoint/ip").asText()).isEqualTo("192.0.2.1");
        assertThat(event.at("/metadata/sequence").asLong()).isEqualTo(1);
        assertThat(event.at("/unmapped/spe_action").asText()).isEqualTo("auth.login");
    }

    @Test
    void csvQuotesCellsAndDefusesFormulas() throws Exception {
        InMemoryAuditLog auditLog = new InMemoryAuditLog(Clock.systemUTC());
        auditLog.append(AuditRecord.builder(ALICE, AuditActions.FILE_WRITE).object("file", "=HYPERLINK(\"x\")").reason("a, b").build());
        StringWriter out = new StringWriter();

        AuditExports.write(auditLog, AuditQuery.builder().build(), AuditExports.Format.CSV, out);

        String[] rows = out.toString().split("\r\n");
        assertThat(rows[0]).isEqualTo(String.join(",", AuditExports.CSV_COLUMNS));
        assertThat(rows[1]).contains(",\"'=HYPERLINK(\"\"x\"\")\",").contains(",\"a, b\",").contains(",1001,3,{},");
    }
}
