package org.spe.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.spe.audit.AuditCli;
import org.spe.server.testing.TestServer;

/** The auditor's view of the real audit log, through the HTTP API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditApiIT {
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
    void auditorsFindLoginsAndDenialsByPersonAndOthersAreRefusedAndThatIsAuditedToo() {
        TestServer.Client alice = server.login("alice");
        assertThat(server.get(alice, "/api/v1/audit/events").status()).isEqualTo(403);
        server.call(Optional.empty(), "POST", "/api/v1/auth/login", "{\"username\":\"alice\",\"password\":\"wrong-password\",\"totp\":\"000000\"}");

        TestServer.Client erin = server.login("erin");
        JsonNode events = server.get(erin, "/api/v1/audit/events?user=alice&pageSize=1000").json().get("events");
        assertThat(events.findValuesAsText("action")).contains("auth.login", "audit.search");
        assertThat(events).anyMatch(e -> e.get("action").asText().equals("audit.search") && e.get("outcome").asText().equals("DENIED"));
        JsonNode failed = server.get(erin, "/api/v1/audit/events?action=auth.login&outcome=FAILED").json().get("events");
        assertThat(failed).anyMatch(e -> e.get("details").path("username").asText().equals("alice") && e.get("userId").asText().equals("anonymous"));
        JsonNode permitEvents = server.get(erin, "/api/v1/audit/events?permit=" + server.alicePermit.id()).json().get("events");
        assertThat(permitEvents.findValuesAsText("action")).contains("permit.create");
        JsonNode own = server.get(erin, "/api/v1/audit/events?user=erin&action=audit.search").json().get("events");
        assertThat(own).isNotEmpty();
    }

    @Test
    void csvAndOcsfExportsAndBadFiltersAreClear() {
        TestServer.Client erin = server.login("erin");
        TestServer.Answer csv = server.get(erin, "/api/v1/audit/events?format=csv&action=auth.login");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.body().lines().findFirst().orElseThrow()).startsWith("sequence,time,user_id");
        TestServer.Answer ocsf = server.get(erin, "/api/v1/audit/events?format=jsonl&action=auth.login");
        assertThat(ocsf.body().lines().findFirst().orElseThrow()).contains("\"class_uid\":3002");
        TestServer.Answer bad = server.get(erin, "/api/v1/audit/events?from=yesterday");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("detail").asText()).contains("ISO-8601");
    }

    @Test
    void theLogVerifiesAndAnExportedBundleVerifiesOfflineWithOnlyThePublicKey(@TempDir Path dir) throws Exception {
        TestServer.Client erin = server.login("erin");
        JsonNode verification = server.get(erin, "/api/v1/audit/verify").json();
        assertThat(verification.get("intact").asBoolean()).as(verification.toString()).isTrue();
        assertThat(verification.get("events").asLong()).isPositive();

        HttpResponse<byte[]> bundle = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server.port() + "/api/v1/audit/exports"))
                .header("Cookie", erin.cookie()).header(ApiServer.CSRF_HEADER, erin.csrf()).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(bundle.statusCode()).isEqualTo(200);
        Path bundleFile = Files.write(dir.resolve("audit.bundle"), bundle.body());
        String pem = server.call(Optional.empty(), "GET", "/api/v1/audit/public-key", null).body();
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----");
        Path key = Files.writeString(dir.resolve("audit.pem"), pem);

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        assertThat(AuditCli.verifyBundle(bundleFile, key, new PrintStream(text, true, StandardCharsets.UTF_8))).isEqualTo(0);
        assertThat(text.toString(StandardCharsets.UTF_8)).startsWith("OK ");

        // A changed actor in one event must be caught, and named.
        List<String> lines = Files.readAllLines(bundleFile);
        int index = java.util.stream.IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains("\"alice\"")).findFirst().orElseThrow();
        lines.set(index, lines.get(index).replace("\"alice\"", "\"bobby\""));
        Files.write(dir.resolve("tampered.bundle"), lines);
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        assertThat(AuditCli.verifyBundle(dir.resolve("tampered.bundle"), key, new PrintStream(report, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(report.toString(StandardCharsets.UTF_8)).containsIgnoringCase("sequence");
    }
}
