package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.spe.output.release.PackageVerifier;
import org.spe.server.api.ApiServer;
import org.spe.server.testing.TestServer;

/**
 * The researcher's whole path through the real parts: a permit on a generated lake, a workspace
 * provisioned with a real extract and a Jupyter server in bubblewrap, code run in a kernel (which
 * cannot reach the lake or the network), a table saved to outputs/, a release request reviewed by
 * two checkers, the signed package downloaded and verified, and every step found by the auditor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkspaceFlowIT {
    private TestServer server;

    @BeforeAll
    void start() {
        server = new TestServer();
        server.seedSyntheticLake("flow-test", 400, 7);
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void fromPermitToReleasedPackageWithEveryStepAudited(@TempDir Path downloads) throws Exception {
        TestServer.Client sam = server.login("sam");
        String permitBody = """
                {"title": "Admissions after diabetes claims", "purpose": "Describe admissions", "category": "A_PUBLIC_HEALTH", "level": "PSEUDONYMISED",
                 "pseudonymisationJustification": "Admissions must be linked to claims", "researchers": ["alice", "bob"],
                 "datasets": [{"datasetId": "ndb_claims", "columns": ["person_id", "sex", "prefecture_code", "diagnosis_code", "points"]},
                              {"datasetId": "dpc_episodes", "columns": ["person_id", "length_of_stay"]}],
                 "linkages": [{"first": "ndb_claims", "second": "dpc_episodes"}],
                 "validFrom": "2026-01-01", "validUntil": "2027-12-31",
                 "quota": {"cores": 1, "memoryGb": 2, "gpus": 0, "storageGb": 1, "cpuHours": 10, "gpuHours": 0}, "sdcProfile": "default", "kAnonymity": 5}
                """;
        TestServer.Answer permit = server.post(sam, "/api/v1/permits", permitBody);
        assertThat(permit.status()).as(permit.body()).isEqualTo(201);
        String permitId = permit.json().get("id").asText();

        TestServer.Client alice = server.login("alice");
        TestServer.Answer requested = server.post(alice, "/api/v1/workspaces", "{\"permitId\": \"" + permitId + "\", \"name\": \"diabetes\"}");
        assertThat(requested.status()).as(requested.body()).isEqualTo(202);
        String workspaceId = requested.json().get("id").asText();
        JsonNode workspace = awaitState(alice, workspaceId, "READY");
        assertThat(workspace.get("state").asText()).as(workspace.toString()).isEqualTo("READY");

        // Researchers' code runs in the sandbox: the extract is there, the lake and the network are not.
        String kernelId = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels", null).json().get("id").asText();
        String execute = "/api/v1/workspaces/" + workspaceId + "/kernels/" + kernelId + "/execute";
        JsonNode listing = server.post(alice, execute, json("import os; print(sorted(os.listdir('/extract')))")).json();
        assertThat(listing.get("status").asText()).isEqualTo("OK");
        assertThat(listing.toString()).contains("ndb_claims").contains("dpc_episodes").doesNotContain("kaigo_care");
        JsonNode lake = server.post(alice, execute, json("import os; print(os.path.exists('" + server.workspaces.lake + "'))")).json();
        assertThat(lake.toString()).contains("False");
        JsonNode network = server.post(alice, execute, json(
                "import socket\ntry:\n    socket.create_connection(('127.0.0.1', " + server.server.port() + "), timeout=2); print('connected')\nexcept OSError as e:\n    print('blocked')")).json();
        assertThat(network.toString()).contains("blocked").doesNotContain("connected");
        // SQL over the permitted views, from the API and from the notebook helper; the raw lake is not a table.
        JsonNode rows = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/sql",
                "{\"query\": \"SELECT sex, count(*) AS n FROM ndb_claims GROUP BY sex ORDER BY sex\"}").json();
        assertThat(rows.get("rows")).hasSize(2);
        TestServer.Answer fileQuery = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/sql",
                "{\"query\": \"SELECT * FROM parquet.`" + server.workspaces.lake.resolve("ndb_claims") + "`\"}");
        assertThat(fileQuery.status()).isEqualTo(400);
        JsonNode helper = server.post(alice, execute, json(
                "import spe\ndf = spe.sql('SELECT sex, count(*) AS admissions FROM dpc_episodes d JOIN ndb_claims n USING (person_id) GROUP BY sex')\n"
                        + "print(len(df))\nspe.save(df, 'admissions_by_sex.csv')")).json();
        assertThat(helper.get("status").asText()).as(helper.toString()).isEqualTo("OK");
        assertThat(helper.toString()).contains("2");
        assertThat(server.get(alice, "/api/v1/workspaces/" + workspaceId + "/files").body()).contains("admissions_by_sex.csv");

        // A checked table from SQL through the API: the platform's table function, as spe.table.
        TestServer.Answer table = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/tables",
                "{\"name\": \"claims_by_sex\", \"query\": \"SELECT person_id, sex FROM ndb_claims\", \"rows\": [\"sex\"], \"personId\": \"person_id\"}");
        assertThat(table.status()).as(table.body()).isEqualTo(201);
        assertThat(table.json().get("path").asText()).isEqualTo("claims_by_sex.csv");
        assertThat(table.json().get("rows")).hasSize(2);
        assertThat(table.json().has("ok")).isFalse();
        TestServer.Answer badTable = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/tables",
                "{\"name\": \"bad_table\", \"query\": \"SELECT sex FROM ndb_claims\", \"rows\": [\"sex\"], \"aggregation\": \"mode\"}");
        assertThat(badTable.status()).isEqualTo(400);
        assertThat(badTable.body()).contains("unknown aggregation 'mode'");
        assertThat(server.post(alice, "/api/v1/workspaces/" + workspaceId + "/tables", "{\"name\": \"x\", \"op\": \"sql\"}").status()).isEqualTo(400);
        String files = server.get(alice, "/api/v1/workspaces/" + workspaceId + "/files").body();
        assertThat(files).contains("claims_by_sex.csv").doesNotContain("bad_table");
        assertThat(server.events.events()).anyMatch(e -> e.action().equals("sql.execute") && e.caller().userId().equals("alice")
                && "api-table".equals(e.details().get("via")));
        // A co-researcher of the permit makes a table in alice's workspace: it is recorded as his, not hers.
        TestServer.Answer bobsTable = server.post(server.login("bob"), "/api/v1/workspaces/" + workspaceId + "/tables",
                "{\"name\": \"bobs_table\", \"query\": \"SELECT person_id, sex FROM ndb_claims\", \"rows\": [\"sex\"], \"personId\": \"person_id\"}");
        assertThat(bobsTable.status()).as(bobsTable.body()).isEqualTo(201);
        assertThat(server.events.events()).filteredOn(e -> "bobs_table.csv".equals(String.valueOf(e.details().get("path")).replace("outputs/", "")))
                .extracting(e -> e.caller().userId()).containsOnly("bob").isNotEmpty();
        assertThat(server.events.events()).filteredOn(e -> e.action().equals("sql.execute") && "api-table".equals(e.details().get("via")))
                .extracting(e -> e.caller().userId()).contains("alice", "bob");

        // The airlock: request, justification, two independent reviews.
        TestServer.Answer created = server.post(alice, "/api/v1/releases", "{\"workspaceId\": \"" + workspaceId + "\", \"title\": \"Admissions by sex\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String releaseId = created.json().get("id").asText();
        JsonNode withFile = server.post(alice, "/api/v1/releases/" + releaseId + "/files",
                "{\"path\": \"admissions_by_sex.csv\", \"description\": \"Admissions by sex, aggregated\"}").json();
        String fileId = withFile.get("files").get(0).get("id").asText();
        if (!withFile.get("files").get(0).get("sdcStatus").asText().equals("PASS")) {
            server.post(alice, "/api/v1/releases/" + releaseId + "/files/" + fileId + "/justification", "{\"text\": \"Counts of at least 100 persons\"}");
        }
        assertThat(server.post(alice, "/api/v1/releases/" + releaseId + "/submit", null).json().get("state").asText()).isEqualTo("SUBMITTED");
        TestServer.Client carol = server.login("carol");
        TestServer.Client dave = server.login("dave");
        assertThat(server.get(carol, "/api/v1/releases/queue").body()).contains(releaseId);
        server.post(carol, "/api/v1/releases/" + releaseId + "/reviews/start", null);
        server.post(carol, "/api/v1/releases/" + releaseId + "/reviews", "{\"fileId\": \"" + fileId + "\", \"decision\": \"APPROVE\", \"comment\": \"fine\"}");
        JsonNode decided = server.post(dave, "/api/v1/releases/" + releaseId + "/reviews", "{\"fileId\": \"" + fileId + "\", \"decision\": \"APPROVE\"}").json();
        assertThat(decided.get("state").asText()).as(decided.toString()).isEqualTo("RELEASED");

        // Only alice downloads the signed package, and it verifies.
        assertThat(server.get(server.login("bob"), "/api/v1/releases/" + releaseId + "/package").status()).isEqualTo(403);
        HttpResponse<byte[]> zip = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server.port()
                + "/api/v1/releases/" + releaseId + "/package")).header("Cookie", alice.cookie()).header(ApiServer.CSRF_HEADER, alice.csrf()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(zip.statusCode()).isEqualTo(200);
        Path packageFile = Files.write(downloads.resolve("package.zip"), zip.body());
        assertThat(PackageVerifier.verify(packageFile, server.workspaces.releases.publicKey()).problems()).isEmpty();

        // The auditor finds every step, with the code that ran.
        TestServer.Client erin = server.login("erin");
        JsonNode events = server.get(erin, "/api/v1/audit/events?workspace=" + workspaceId + "&pageSize=1000").json().get("events");
        assertThat(events.findValuesAsText("action")).contains("workspace.request", "workspace.ready", "notebook.execute", "sql.execute", "release.request",
                "release.submit", "release.decision", "release.download");
        assertThat(events.toString()).contains("admissions_by_sex.csv").contains("JOIN ndb_claims");
        JsonNode extract = server.get(erin, "/api/v1/audit/events?permit=" + permitId + "&action=data.extract").json().get("events");
        assertThat(extract).hasSize(1);
        assertThat(server.get(erin, "/api/v1/audit/verify").json().get("intact").asBoolean()).isTrue();

        // Destroying wipes the files and keeps a signed certificate.
        assertThat(server.post(alice, "/api/v1/workspaces/" + workspaceId + "/destroy", null).json().get("state").asText()).isEqualTo("DESTROYED");
        assertThat(server.workspaces.environment.directory(workspaceId)).doesNotExist();
        assertThat(server.workspaces.workspaces.certificate(workspaceId)).isPresent();
    }

    private JsonNode awaitState(TestServer.Client client, String workspaceId, String state) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        JsonNode workspace = server.get(client, "/api/v1/workspaces/" + workspaceId).json();
        while (!workspace.get("state").asText().equals(state) && !workspace.get("state").asText().equals("FAILED") && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            workspace = server.get(client, "/api/v1/workspaces/" + workspaceId).json();
        }
        return workspace;
    }

    private static String json(String code) {
        return org.spe.core.json.Json.mapper().createObjectNode().put("code", code).toString();
    }
}
