package org.spe.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.account.Totp;
import org.spe.core.catalog.Dataset;
import org.spe.core.catalog.LinkageRule;
import org.spe.core.catalog.SourceDatabase;
import org.spe.core.event.CollectingEventSink;
import org.spe.core.json.Json;
import org.spe.core.permit.Permit;
import org.spe.core.testing.MutableClock;
import org.spe.core.testing.TestDatabases;
import org.spe.core.testing.TestPlatform;
import org.spe.server.DemoSeed;
import org.spe.server.Platform;
import org.spe.server.api.ApiServer;
import org.spe.server.config.ConfigLoader;
import org.spe.server.config.SpeConfig;

/**
 * The real platform over a fresh real PostgreSQL database, serving HTTP on a free loopback port,
 * with the demo accounts, a small catalog and one permit for alice and bob. Logs in through the
 * real login endpoint with real TOTP codes.
 */
public final class TestServer implements AutoCloseable {
    public final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-11-23T09:00:00Z"));
    public final CollectingEventSink events = new CollectingEventSink();
    public final Platform platform;
    public final ApiServer server;
    public final org.spe.server.Workspaces workspaces;
    /** A workspace of bob's permit, left REQUESTED (not provisioned). */
    public final org.spe.workspace.lifecycle.Workspace bobWorkspace;
    /** A DRAFT release request of bob's workspace. */
    public final org.spe.output.release.ReleaseRequest bobRelease;
    public final Map<String, DemoSeed.Credential> credentials = new HashMap<>();
    public final Permit alicePermit;
    /** A permit naming bob only: alice is "a researcher of another permit" for it. */
    public final Permit bobOnlyPermit;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestServer() {
        this(Map.of());
    }

    /** A server with extra settings (config paths to values) over the test defaults. */
    public TestServer(Map<String, String> settings) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("spe-server-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> values = new HashMap<>(Map.of("dataDir", dataDir.toString(), "server.port", "0",
                "accounts.passwordMemoryKib", "1024", "accounts.passwordIterations", "1"));
        values.putAll(settings);
        SpeConfig config = ConfigLoader.load(Optional.empty(), Map.of(), values);
        platform = Platform.start(config, clock, TestDatabases.fresh(), audit -> new TeeEventSink(audit, events));
        for (DemoSeed.Credential credential : DemoSeed.seedAccounts(platform)) {
            credentials.put(credential.username(), credential);
        }
        Caller steward = new Caller("sam", java.util.Set.of(Role.DATA_STEWARD), "s-seed", "127.0.0.1");
        for (Dataset dataset : TestPlatform.datasets()) {
            platform.catalog.register(steward, dataset);
        }
        platform.catalog.allowLinkage(steward, new LinkageRule(SourceDatabase.NDB, SourceDatabase.DPC));
        alicePermit = platform.permits.create(steward, TestPlatform.pseudonymisedRequest());
        var request = TestPlatform.pseudonymisedRequest();
        bobOnlyPermit = platform.permits.create(steward, new org.spe.core.permit.PermitRequest("Bob's study", request.purpose(), request.category(),
                request.level(), request.pseudonymisationJustification(), List.of("bob"), request.datasets(), request.linkages(), request.validFrom(),
                request.validUntil(), request.quota(), request.sdcProfile(), request.kAnonymity()));
        workspaces = new org.spe.server.Workspaces(platform);
        Caller bob = new Caller("bob", java.util.Set.of(Role.RESEARCHER), "s-seed-bob", "127.0.0.1");
        bobWorkspace = workspaces.workspaces.request(bob, bobOnlyPermit.id(), "bob workspace");
        bobRelease = workspaces.releases.create(bob, bobWorkspace.id(), bobOnlyPermit.id(), "bob's tables");
        server = new ApiServer(platform, org.spe.server.api.RouteModules.all(workspaces)).start("127.0.0.1", 0);
    }

    /** A logged-in client session: its cookie and CSRF token. */
    public record Client(String user, String cookie, String csrf) {}

    /** An answer: status and parsed JSON body (or text node). */
    public record Answer(int status, String contentType, String body) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    /**
     * A fresh TOTP code for a demo user, for logins typed into a browser: moves the clock to the
     * next 30-second step first, so no code is ever a replay.
     */
    public String nextTotp(String user) {
        clock.advance(Duration.ofSeconds(30));
        return Totp.code(credentials.get(user).totpSecret(), clock.instant());
    }

    /**
     * Registers the synthetic lake's datasets and linkage rules in the catalog (as the steward sam)
     * and generates {@code patients} patients into the workspaces' lake with a Spark session
     * named {@code sparkName}. Returns the steward it acted as, for a test's own steward actions.
     */
    public Caller seedSyntheticLake(String sparkName, int patients, long seed) {
        Caller sam = new Caller("sam", java.util.EnumSet.of(Role.DATA_STEWARD), "s-seed", "127.0.0.1");
        for (org.spe.core.catalog.Dataset dataset : org.spe.workspace.data.SyntheticLake.catalog()) {
            platform.catalog.register(sam, dataset);
        }
        for (org.spe.core.catalog.LinkageRule rule : org.spe.workspace.data.SyntheticLake.linkageRules()) {
            platform.catalog.allowLinkage(sam, rule);
        }
        try (org.spe.workspace.data.LocalSpark.Lease spark = org.spe.workspace.data.LocalSpark.acquire(sparkName)) {
            org.spe.workspace.data.SyntheticLake.generate(spark.session(), patients, seed, workspaces.lake);
        }
        return sam;
    }

    /**
     * Records, as the steward sam through the API, a pseudonymised permit for alice over
     * {@code ndb_claims} (person_id, sex, points) with a quota of 1 core and 2 GiB; returns its id.
     *
     * @throws IllegalStateException if the permit is not created
     */
    public String createClaimsPermitForAlice(String title, String purpose) {
        Answer permit = post(login("sam"), "/api/v1/permits", """
                {"title": %s, "purpose": %s, "category": "A_PUBLIC_HEALTH", "level": "PSEUDONYMISED",
                 "pseudonymisationJustification": "Linked analysis", "researchers": ["alice"],
                 "datasets": [{"datasetId": "ndb_claims", "columns": ["person_id", "sex", "points"]}], "linkages": [],
                 "validFrom": "2026-01-01", "validUntil": "2027-12-31",
                 "quota": {"cores": 1, "memoryGb": 2, "gpus": 0, "storageGb": 1, "cpuHours": 10, "gpuHours": 0}, "sdcProfile": "default", "kAnonymity": 5}
                """.formatted(TextNode.valueOf(title), TextNode.valueOf(purpose)));
        if (permit.status() != 201) {
            throw new IllegalStateException("the permit was not created: " + permit.status() + " " + permit.body());
        }
        return permit.json().get("id").asText();
    }

    /** The base URL of the server, e.g. {@code http://127.0.0.1:41234}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** Logs in as a demo user with password and a fresh TOTP code. */
    public Client login(String user) {
        clock.advance(Duration.ofSeconds(30)); // a new TOTP step each time: codes are never replays
        DemoSeed.Credential credential = credentials.get(user);
        String code = Totp.code(credential.totpSecret(), clock.instant());
        HttpResponse<String> response = send("POST", "/api/v1/auth/login",
                Json.mapper().createObjectNode().put("username", user).put("password", credential.password()).put("totp", code).toString(), Map.of());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("login of " + user + " failed: " + response.statusCode() + " " + response.body());
        }
        String cookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ApiServer.SESSION_COOKIE + "="))
                .findFirst().orElseThrow().split(";")[0];
        String csrf = new Answer(200, "", response.body()).json().get("csrfToken").asText();
        return new Client(user, cookie, csrf);
    }

    public Answer call(Optional<Client> client, String method, String path, String body) {
        Map<String, String> headers = new HashMap<>();
        client.ifPresent(c -> {
            headers.put("Cookie", c.cookie());
            headers.put(ApiServer.CSRF_HEADER, c.csrf());
        });
        HttpResponse<String> response = send(method, path, body, headers);
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    public Answer get(Client client, String path) {
        return call(Optional.of(client), "GET", path, null);
    }

    public Answer post(Client client, String path, String body) {
        return call(Optional.of(client), "POST", path, body);
    }

    public HttpResponse<String> send(String method, String path, String body, Map<String, String> headers) {
        return send(method, path, body, headers, HttpResponse.BodyHandlers.ofString());
    }

    /** A POST as {@code client} whose answer is read as bytes (Arrow streams, packages). */
    public HttpResponse<byte[]> postForBytes(Client client, String path, String body) {
        return send("POST", path, body, Map.of("Cookie", client.cookie(), ApiServer.CSRF_HEADER, client.csrf()), HttpResponse.BodyHandlers.ofByteArray());
    }

    private <T> HttpResponse<T> send(String method, String path, String body, Map<String, String> headers, HttpResponse.BodyHandler<T> handler) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return http.send(request.build(), handler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        workspaces.close();
        platform.close();
    }
}
