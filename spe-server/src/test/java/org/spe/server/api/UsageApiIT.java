package org.spe.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.server.testing.TestServer;

/** {@code /api/v1/usage}: metered compute per workspace and permit, and the fee estimate from the NDB-like fee table. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageApiIT {
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void aResearcherSeesTheUsageAndFeesOfTheirPermit() {
        // Two readings of the workspace's application, as its driver reports them (cumulative).
        server.workspaces.meter.record(server.bobWorkspace.id(), server.bobOnlyPermit.id(), "app-1", 30, 60, 0);
        server.workspaces.meter.record(server.bobWorkspace.id(), server.bobOnlyPermit.id(), "app-1", 45, 90, 0);

        TestServer.Answer answer = server.get(server.login("bob"), "/api/v1/usage/" + server.bobOnlyPermit.id());

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode usage = answer.json();
        assertThat(usage.path("cpuSeconds").asDouble()).isEqualTo(45.0);
        assertThat(usage.path("cpuHoursBudget").asDouble()).isEqualTo(server.bobOnlyPermit.quota().cpuHours());
        assertThat(usage.path("workspaces")).singleElement().satisfies(workspace -> {
            assertThat(workspace.path("workspaceId").asText()).isEqualTo(server.bobWorkspace.id());
            assertThat(workspace.path("taskSeconds").asDouble()).isEqualTo(90.0);
        });
        JsonNode fee = usage.path("feeEstimate");
        assertThat(fee.path("currency").asText()).isEqualTo("JPY");
        assertThat(fee.path("lines")).extracting(line -> line.path("item").asText())
                .containsExactly("base", "adjustment", "extraction", "extractionVolume", "analysisEnvironment");
        long sum = 0;
        for (JsonNode line : fee.path("lines")) {
            sum += line.path("yen").asLong();
        }
        assertThat(fee.path("totalYen").asLong()).isEqualTo(sum).isGreaterThanOrEqualTo(162_100 + 17_200 + 58_300 + 5_355_200);
    }

    @Test
    void theListHoldsOnlyPermitsTheCallerMaySee() {
        JsonNode alice = server.get(server.login("alice"), "/api/v1/usage").json();
        JsonNode oscar = server.get(server.login("oscar"), "/api/v1/usage").json();

        assertThat(alice).extracting(permit -> permit.path("permitId").asText()).doesNotContain(server.bobOnlyPermit.id())
                .contains(server.alicePermit.id());
        assertThat(oscar).extracting(permit -> permit.path("permitId").asText()).contains(server.bobOnlyPermit.id(), server.alicePermit.id());
    }
}
