package org.spe.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.spe.server.testing.TestServer;

/** Bad input gets a clear 4xx problem and writes nothing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {
    static final String VALID = """
            {"title": "Cancer survival", "purpose": "Survival after diagnosis", "category": "A_PUBLIC_HEALTH", "level": "PSEUDONYMISED",
             "pseudonymisationJustification": "Linkage needs a person key", "researchers": ["alice"],
             "datasets": [{"datasetId": "ndb_claims", "columns": ["person_id", "sex"], "rowFilters": [{"column": "service_month", "operator": "BETWEEN", "values": ["2022-04", "2023-03"]}]},
                          {"datasetId": "dpc_episodes", "columns": ["person_id", "length_of_stay"]}],
             "linkages": [{"first": "ndb_claims", "second": "dpc_episodes"}],
             "validFrom": "2026-01-01", "validUntil": "2027-03-31",
             "quota": {"cores": 2, "memoryGb": 4, "gpus": 0, "storageGb": 10, "cpuHours": 100, "gpuHours": 0},
             "sdcProfile": "ndb", "kAnonymity": 10}
            """;

    private TestServer server;
    private TestServer.Client sam;

    @BeforeAll
    void start() {
        server = new TestServer();
        sam = server.login("sam");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static Stream<Arguments> badPermits() {
        return Stream.of(
                Arguments.of("malformed JSON", "{\"title\": ", "not valid JSON"),
                Arguments.of("unknown field", VALID.replace("\"title\"", "\"titel\": \"x\", \"title\""), "Unknown field 'titel'"),
                Arguments.of("wrong type", VALID.replace("\"cores\": 2", "\"cores\": \"two\""), "quota.cores"),
                Arguments.of("impossible date", VALID.replace("2027-03-31", "2027-02-30"), "validUntil"),
                Arguments.of("unknown enum", VALID.replace("A_PUBLIC_HEALTH", "Z_FUN"), "category"),
                Arguments.of("missing dataset", VALID.replace("dpc_episodes", "dpc_missing"), "Dataset dpc_missing is not in the catalog"),
                Arguments.of("missing column", VALID.replace("\"length_of_stay\"]", "\"stay_days\"]"), "Dataset dpc_episodes has no column stay_days"),
                Arguments.of("direct identifier", VALID.replace("[\"person_id\", \"sex\"]", "[\"person_id\", \"kana_name\"]"), "direct identifier"),
                Arguments.of("forbidden linkage", VALID.replace("\"dpc_episodes\", \"columns\": [\"person_id\", \"length_of_stay\"]",
                        "\"kaigo_care\", \"columns\": [\"person_id\", \"care_level\"]").replace("\"second\": \"dpc_episodes\"", "\"second\": \"kaigo_care\""),
                        "not allowed by the catalog's linkage table"),
                Arguments.of("missing quota", VALID.replace("\"quota\": {\"cores\": 2, \"memoryGb\": 4, \"gpus\": 0, \"storageGb\": 10, \"cpuHours\": 100, \"gpuHours\": 0},", ""), "'quota' is required"),
                Arguments.of("negative quota", VALID.replace("\"gpus\": 0", "\"gpus\": -1"), "must not be negative"),
                Arguments.of("empty body", "", "needs a JSON body"),
                Arguments.of("array body", "[]", "wrong type"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPermits")
    void badPermitsAre400AndWriteNothing(String name, String body, String detail) {
        int before = server.platform.permits.all().size();
        int eventsBefore = server.events.events().size();
        TestServer.Answer answer = server.post(sam, "/api/v1/permits", body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().get("detail").asText()).contains(detail);
        assertThat(server.platform.permits.all()).hasSize(before);
        assertThat(server.events.events().subList(eventsBefore, server.events.events().size()))
                .noneMatch(e -> e.action().equals("permit.create") && e.outcome() == org.spe.core.event.EventOutcome.SUCCESS);
    }

    @Test
    void theValidPermitIsAccepted() {
        TestServer.Answer answer = server.post(sam, "/api/v1/permits", VALID);
        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(answer.json().get("state").asText()).isEqualTo("ACTIVE");
        assertThat(server.platform.permits.find(answer.json().get("id").asText())).isPresent();
    }

    @Test
    void badOptOutsAre400AndWriteNothing() {
        TestServer.Answer answer = server.post(sam, "/api/v1/optouts", "{\"personIds\": [\"P1\", \"bad id; DROP TABLE\"]}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("detail").asText()).contains("Person ID #2 is not valid");
        assertThat(server.platform.optOuts.personIdsAsOf(server.clock.instant())).doesNotContain("P1");
        assertThat(server.post(sam, "/api/v1/optouts", "{\"personIds\": []}").status()).isEqualTo(400);
        assertThat(server.post(sam, "/api/v1/optouts", "{\"ids\": [\"P1\"]}").status()).isEqualTo(400);
    }

    @Test
    void impossibleStateChangesAre409AndChangeNothing() {
        String id = server.alicePermit.id();
        TestServer.Answer bad = server.post(sam, "/api/v1/permits/" + id + "/state", "{\"state\": \"ARCHIVED\", \"reason\": \"x\"}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("detail").asText()).contains("must be one of");
        TestServer.Answer noReason = server.post(sam, "/api/v1/permits/" + id + "/state", "{\"state\": \"SUSPENDED\"}");
        assertThat(noReason.status()).isEqualTo(400);
        assertThat(server.platform.permits.find(id).orElseThrow().state().name()).isEqualTo("ACTIVE");
        TestServer.Answer missing = server.post(sam, "/api/v1/permits/P-9999/state", "{\"state\": \"SUSPENDED\", \"reason\": \"x\"}");
        assertThat(missing.status()).isEqualTo(404);
    }
}
