package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.server.testing.TestServer;

/**
 * Workspaces on the real embedded pool through the API: each READY workspace has its own driver JVM
 * whose Spark application holds at most its quota; SQL from the API and from the notebook helper
 * runs there; a running query is cancelled by its id; a quota the pool cannot hold is refused with
 * 429 naming the limit; usage is metered from Spark's accounting; suspend stops the driver and
 * resume starts one again. The steps share one platform and run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkspacesOnPoolIT {
    private static final String QUOTA = "{\"cores\": 1, \"memoryGb\": 1, \"gpus\": 0, \"storageGb\": 1, \"cpuHours\": 10, \"gpuHours\": 0}";

    private TestServer server;
    private TestServer.Client alice;
    private String permitId;
    private String workspaceId;

    @BeforeAll
    void start() {
        server = new TestServer();
        server.seedSyntheticLake("pool-flow-test", 400, 7);
        server.workspaces.start();
        permitId = permit(QUOTA);
        alice = server.login("alice");
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    @Order(1)
    void aWorkspaceRunsItsSqlInItsOwnApplicationOnThePool() throws java.io.IOException {
        TestServer.Answer requested = server.post(alice, "/api/v1/workspaces", "{\"permitId\": \"" + permitId + "\", \"name\": \"on the pool\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        workspaceId = requested.json().get("id").asText();
        assertThat(awaitState(workspaceId, "READY").get("state").asText()).isEqualTo("READY");
        warmUp();

        JsonNode rows = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/sql",
                "{\"query\": \"SELECT sex, count(*) AS n FROM ndb_claims GROUP BY sex ORDER BY sex\"}").json();
        assertThat(rows.get("rows")).as(rows.toString()).hasSize(2);
        assertThat(rows.fieldNames()).toIterable().containsExactly("columns", "rows", "truncated");

        // Programs ask for Arrow: the same rows, decoded with Arrow's own stream reader.
        java.net.http.HttpResponse<byte[]> arrow = server.postForBytes(alice, "/api/v1/workspaces/" + workspaceId + "/sql",
                "{\"format\": \"arrow\", \"query\": \"SELECT sex, count(*) AS n FROM ndb_claims GROUP BY sex ORDER BY sex\"}");
        assertThat(arrow.statusCode()).isEqualTo(200);
        assertThat(arrow.headers().firstValue("Content-Type")).hasValue("application/vnd.apache.arrow.stream");
        assertThat(arrow.headers().firstValue("X-SPE-Truncated")).hasValue("false");
        try (org.apache.arrow.memory.RootAllocator allocator = new org.apache.arrow.memory.RootAllocator();
                org.apache.arrow.vector.ipc.ArrowStreamReader reader = new org.apache.arrow.vector.ipc.ArrowStreamReader(
                        new java.io.ByteArrayInputStream(arrow.body()), allocator)) {
            assertThat(reader.loadNextBatch()).isTrue();
            org.apache.arrow.vector.VectorSchemaRoot root = reader.getVectorSchemaRoot();
            assertThat(root.getRowCount()).isEqualTo(2);
            for (int r = 0; r < 2; r++) {
                assertThat(root.getVector("sex").getObject(r).toString()).isEqualTo(rows.get("rows").get(r).get(0).asText());
                assertThat(((Number) root.getVector("n").getObject(r)).longValue()).isEqualTo(rows.get("rows").get(r).get(1).asLong());
            }
            assertThat(reader.loadNextBatch()).isFalse();
        }
        assertThat(server.workspaces.applications()).isPresent();
        assertThat(server.workspaces.pool().orElseThrow().status().runningApplications())
                .anySatisfy(application -> assertThat(application.cores()).isBetween(1, 1))
                .allSatisfy(application -> assertThat(application.cores()).isLessThanOrEqualTo(1));

        // The notebook helper's spe.sql reaches the same driver through the control socket.
        String kernelId = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels", null).json().get("id").asText();
        JsonNode helper = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels/" + kernelId + "/execute",
                "{\"code\": \"import spe\\nprint(len(spe.sql('SELECT prefecture_code, count(*) FROM ndb_claims GROUP BY prefecture_code')))\"}").json();
        assertThat(helper.get("status").asText()).as(helper.toString()).isEqualTo("OK");
    }

    @Test
    @Order(2)
    void aRunningQueryIsCancelledByItsId() throws Exception {
        String slow = "{\"queryId\": \"slow-1\", \"query\": \"SELECT count(*) FROM range(3000000) a CROSS JOIN range(3000000) b WHERE a.id + b.id = 7\"}";
        CompletableFuture<TestServer.Answer> running = CompletableFuture.supplyAsync(
                () -> server.post(alice, "/api/v1/workspaces/" + workspaceId + "/sql", slow));
        TestServer.Answer cancelled = null;
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            cancelled = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/sql/slow-1/cancel", null);
            if (cancelled.status() == 200) {
                break;
            }
        }
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        TestServer.Answer answer = running.get(2, TimeUnit.MINUTES);
        assertThat(answer.status()).as(answer.body()).isEqualTo(409);
        assertThat(answer.body()).contains("cancelled");
        assertThat(server.events.events()).anyMatch(e -> e.action().equals("sql.cancel") && e.caller().userId().equals("alice"));
    }

    @Test
    @Order(3)
    void aQuotaThePoolCannotHoldIsRefusedWithTheLimitAndNothingIsMade() {
        String big = permit("{\"cores\": 64, \"memoryGb\": 1, \"gpus\": 0, \"storageGb\": 1, \"cpuHours\": 10, \"gpuHours\": 0}");
        int before = server.workspaces.workspaces.all().size();

        TestServer.Answer refused = server.post(alice, "/api/v1/workspaces", "{\"permitId\": \"" + big + "\", \"name\": \"too big\"}");

        assertThat(refused.status()).as(refused.body()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.json().get("detail").asText()).contains("64 cores requested").contains("short");
        assertThat(server.workspaces.workspaces.all()).hasSize(before);
    }

    @Test
    @Order(4)
    void usageIsMeteredFromSparksAccounting() {
        JsonNode usage = server.get(alice, "/api/v1/usage/" + permitId).json();

        assertThat(usage.get("cpuSeconds").asDouble()).as(usage.toString()).isPositive();
        assertThat(usage.get("extractBytes").asLong()).isPositive();
        assertThat(usage.get("feeEstimate").get("totalYen").asLong()).isPositive();
    }

    @Test
    @Order(5)
    void suspendStopsTheDriverAndResumeStartsOneAgain() {
        String before = driverApplication();

        assertThat(server.post(alice, "/api/v1/workspaces/" + workspaceId + "/suspend", null).json().get("state").asText()).isEqualTo("SUSPENDED");
        assertThat(server.workspaces.environment.sql(workspaceId)).isEmpty();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (server.workspaces.pool().orElseThrow().status().runningApplications().stream().anyMatch(app -> app.id().equals(before))
                && Instant.now().isBefore(deadline)) {
            sleep(200);
        }
        assertThat(server.workspaces.pool().orElseThrow().status().runningApplications()).noneMatch(app -> app.id().equals(before));

        // Resumed through the service: starting a driver on a loaded 2-core machine can outlast the test client's 30-s HTTP timeout.
        Caller caller = new Caller("alice", EnumSet.of(Role.RESEARCHER), "s-resume", "127.0.0.1");
        assertThat(server.workspaces.workspaces.resume(caller, workspaceId).state().name()).isEqualTo("READY");
        assertThat(driverApplication()).isNotEqualTo(before);
        warmUp();
        assertThat(server.post(alice, "/api/v1/workspaces/" + workspaceId + "/sql", "{\"query\": \"SELECT count(*) FROM ndb_claims\"}").json()
                .get("rows")).hasSize(1);
        assertThat(server.post(alice, "/api/v1/workspaces/" + workspaceId + "/destroy", null).json().get("state").asText()).isEqualTo("DESTROYED");
    }

    /**
     * A cold driver's first query loads and compiles Spark SQL; on a loaded 2-core machine that can
     * outlast the test client's 30-s HTTP timeout, so it runs here first, without one.
     */
    private void warmUp() {
        server.workspaces.environment.sql(workspaceId).orElseThrow()
                .execute("SELECT sex, count(*) FROM ndb_claims GROUP BY sex", org.spe.workspace.sql.SqlLimits.defaults(), "warm-up");
    }

    private String driverApplication() {
        var sql = server.workspaces.environment.sql(workspaceId).orElseThrow();
        return ((org.spe.workspace.driver.RemoteWorkspaceSql) sql).driver().applicationId();
    }

    private String permit(String quota) {
        TestServer.Client sam = server.login("sam");
        String body = """
                {"title": "Claims by sex", "purpose": "Count claims", "category": "A_PUBLIC_HEALTH", "level": "PSEUDONYMISED",
                 "pseudonymisationJustification": "Claims are counted per person", "researchers": ["alice"],
                 "datasets": [{"datasetId": "ndb_claims", "columns": ["person_id", "sex", "prefecture_code", "diagnosis_code", "points"]}],
                 "linkages": [], "validFrom": "2026-01-01", "validUntil": "2027-12-31",
                 "quota": %s, "sdcProfile": "default", "kAnonymity": 5}
                """.formatted(quota);
        TestServer.Answer permit = server.post(sam, "/api/v1/permits", body);
        assertThat(permit.status()).as(permit.body()).isEqualTo(201);
        return permit.json().get("id").asText();
    }

    private JsonNode awaitState(String id, String state) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(6));
        JsonNode workspace = server.get(alice, "/api/v1/workspaces/" + id).json();
        while (!workspace.get("state").asText().equals(state) && !workspace.get("state").asText().equals("FAILED") && Instant.now().isBefore(deadline)) {
            sleep(200);
            workspace = server.get(alice, "/api/v1/workspaces/" + id).json();
        }
        return workspace;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
