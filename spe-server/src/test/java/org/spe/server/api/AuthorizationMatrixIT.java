package org.spe.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.core.event.EventOutcome;
import org.spe.server.testing.TestServer;

/**
 * Walks every authenticated endpoint with every role, and with a researcher who is not on the
 * permit in the path. Denied calls must answer 403 and leave a DENIED audit event; allowed calls
 * must get past the policy (neither 401 nor 403).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIT {
    private static final Set<String> EVERYONE = Set.of("alice", "bob", "carol", "dave", "erin", "oscar", "sam");
    private static final Set<String> PERMIT_READERS = Set.of("carol", "dave", "erin", "oscar", "sam");

    /** Who may call each route. The permit in paths names bob only, so alice is the cross-permit researcher. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("GET /api/v1/auth/session", EVERYONE),
            Map.entry("POST /api/v1/auth/logout", EVERYONE),
            Map.entry("GET /api/v1/datasets", EVERYONE),
            Map.entry("GET /api/v1/datasets/{id}", EVERYONE),
            Map.entry("GET /api/v1/linkage-rules", EVERYONE),
            Map.entry("POST /api/v1/linkage-rules", Set.of("sam")),
            Map.entry("GET /api/v1/permits", EVERYONE),
            Map.entry("POST /api/v1/permits", Set.of("sam")),
            Map.entry("GET /api/v1/permits/{id}", union(PERMIT_READERS, Set.of("bob"))),
            Map.entry("POST /api/v1/permits/{id}/state", Set.of("sam")),
            Map.entry("GET /api/v1/optouts", Set.of("sam", "erin")),
            Map.entry("POST /api/v1/optouts", Set.of("sam")),
            Map.entry("GET /api/v1/audit/events", Set.of("erin")),
            Map.entry("GET /api/v1/audit/verify", Set.of("erin")),
            Map.entry("GET /api/v1/audit/tree-head", Set.of("erin")),
            Map.entry("GET /api/v1/audit/proofs/inclusion", Set.of("erin")),
            Map.entry("GET /api/v1/audit/proofs/consistency", Set.of("erin")),
            Map.entry("GET /api/v1/audit/alerts", Set.of("erin")),
            Map.entry("POST /api/v1/audit/alerts/run", Set.of("erin")),
            Map.entry("POST /api/v1/audit/exports", Set.of("erin")),
            Map.entry("GET /api/v1/workspaces", EVERYONE),
            Map.entry("POST /api/v1/workspaces", Set.of("bob")),
            Map.entry("GET /api/v1/workspaces/{id}", Set.of("bob", "oscar", "erin")),
            Map.entry("POST /api/v1/workspaces/{id}/start", Set.of("bob")),
            Map.entry("POST /api/v1/workspaces/{id}/suspend", Set.of("bob", "oscar")),
            Map.entry("POST /api/v1/workspaces/{id}/destroy", Set.of("bob", "oscar")),
            Map.entry("GET /api/v1/workspaces/{id}/files", Set.of("bob")),
            Map.entry("POST /api/v1/workspaces/{id}/kernels", Set.of("bob")),
            Map.entry("POST /api/v1/workspaces/{id}/sql", Set.of("bob")),
            Map.entry("POST /api/v1/workspaces/{id}/tables", Set.of("bob")),
            Map.entry("POST /api/v1/workspaces/{id}/kernels/{kernelId}/execute", Set.of("bob")),
            Map.entry("POST /api/v1/workspaces/{id}/kernels/{kernelId}/interrupt", Set.of("bob")),
            Map.entry("GET /api/v1/workspaces/{id}/kernels", Set.of("bob")),
            Map.entry("POST /api/v1/workspaces/{id}/kernels/{kernelId}/restart", Set.of("bob")),
            Map.entry("DELETE /api/v1/workspaces/{id}/kernels/{kernelId}", Set.of("bob")),
            Map.entry("GET /api/v1/workspaces/{id}/notebooks", Set.of("bob")),
            Map.entry("GET /api/v1/workspaces/{id}/notebooks/content", Set.of("bob")),
            Map.entry("PUT /api/v1/workspaces/{id}/notebooks/content", Set.of("bob")),
            Map.entry("POST /api/v1/workspaces/{id}/notebooks/execute", Set.of("bob")),
            Map.entry("GET /api/v1/releases", EVERYONE),
            Map.entry("GET /api/v1/releases/queue", Set.of("carol", "dave")),
            Map.entry("POST /api/v1/releases", Set.of("bob")),
            Map.entry("GET /api/v1/releases/{id}", Set.of("bob", "carol", "dave")),
            Map.entry("POST /api/v1/releases/{id}/files", Set.of("bob")),
            Map.entry("DELETE /api/v1/releases/{id}/files/{fileId}", Set.of("bob")),
            Map.entry("POST /api/v1/releases/{id}/files/{fileId}/justification", Set.of("bob")),
            Map.entry("POST /api/v1/releases/{id}/submit", Set.of("bob")),
            Map.entry("POST /api/v1/releases/{id}/withdraw", Set.of("bob")),
            Map.entry("POST /api/v1/releases/{id}/reviews/start", Set.of("carol", "dave")),
            Map.entry("POST /api/v1/releases/{id}/reviews", Set.of("carol", "dave")),
            Map.entry("GET /api/v1/releases/{id}/package", Set.of("bob")),
            Map.entry("GET /api/v1/pools", Set.of("oscar")),
            Map.entry("POST /api/v1/pools/{name}/scale", Set.of("oscar")),
            Map.entry("POST /api/v1/workspaces/{id}/sql/{queryId}/cancel", Set.of("bob")),
            Map.entry("GET /api/v1/usage", EVERYONE),
            Map.entry("GET /api/v1/usage/{id}", Set.of("bob", "oscar", "sam", "erin")),
            Map.entry("GET /api/v1/desktop/recordings", Set.of("erin")),
            Map.entry("GET /api/v1/desktop/recordings/{id}", Set.of("erin")));

    private static final Map<String, String> BODIES = Map.ofEntries(
            Map.entry("POST /api/v1/linkage-rules", "{\"first\": \"NDB\", \"second\": \"KAIGO_DB\"}"),
            Map.entry("POST /api/v1/permits", BadInputIT.VALID),
            Map.entry("POST /api/v1/permits/{id}/state", "{\"state\": \"SUSPENDED\", \"reason\": \"matrix test\"}"),
            Map.entry("POST /api/v1/optouts", "{\"personIds\": [\"P000001\"]}"),
            Map.entry("POST /api/v1/workspaces/{id}/kernels/{kernelId}/execute", "{\"code\": \"1+1\"}"),
            Map.entry("POST /api/v1/workspaces/{id}/sql", "{\"query\": \"SELECT 1\"}"),
            Map.entry("POST /api/v1/workspaces/{id}/tables", "{\"name\": \"t\", \"query\": \"SELECT 1 AS a\", \"rows\": [\"a\"]}"),
            Map.entry("PUT /api/v1/workspaces/{id}/notebooks/content", "{\"path\": \"a.ipynb\", \"notebook\": {\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": []}}"),
            Map.entry("POST /api/v1/workspaces/{id}/notebooks/execute", "{\"path\": \"a.ipynb\", \"kernelId\": \"k-1\"}"),
            Map.entry("POST /api/v1/pools/{name}/scale", "{\"workers\": 1}"),
            Map.entry("POST /api/v1/releases/{id}/files", "{\"path\": \"table.csv\", \"description\": \"a table\"}"),
            Map.entry("POST /api/v1/releases/{id}/files/{fileId}/justification", "{\"text\": \"aggregate only\"}"),
            Map.entry("POST /api/v1/releases/{id}/reviews", "{\"fileId\": \"F-1\", \"decision\": \"APPROVE\"}"));

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
    void everyAuthenticatedRouteIsInTheMatrix() {
        Set<String> routes = server.server.routes().stream().filter(Route::authenticated)
                .map(r -> r.method().name() + " " + r.path()).collect(Collectors.toSet());
        assertThat(ALLOWED.keySet()).isEqualTo(routes);
    }

    @Test
    void everyRoleOnEveryRoute() {
        List<String> failures = new ArrayList<>();
        for (String user : EVERYONE) {
            for (Route route : server.server.routes()) {
                if (!route.authenticated()) {
                    continue;
                }
                String key = route.method().name() + " " + route.path();
                TestServer.Client client = server.login(user); // fresh session: logout must not end the next call's session
                // The state-change route suspends a permit; it gets one of its own so bob's permit stays usable.
                String path = route.path().replace("/permits/{id}/state", "/permits/" + server.alicePermit.id() + "/state")
                        .replace("/datasets/{id}", "/datasets/ndb_claims")
                        .replace("/workspaces/{id}", "/workspaces/" + server.bobWorkspace.id())
                        .replace("/releases/{id}", "/releases/" + server.bobRelease.id())
                        .replace("{fileId}", "F-1").replace("{kernelId}", "k-1").replace("{queryId}", "q-1").replace("{name}", "embedded")
                        .replace("{id}", server.bobOnlyPermit.id());
                String body = key.equals("POST /api/v1/workspaces") ? "{\"permitId\": \"" + server.bobOnlyPermit.id() + "\", \"name\": \"matrix\"}"
                        : key.equals("POST /api/v1/releases") ? "{\"workspaceId\": \"" + server.bobWorkspace.id() + "\", \"title\": \"matrix\"}"
                        : BODIES.get(key);
                int eventsBefore = server.events.events().size();
                TestServer.Answer answer = server.call(Optional.of(client), route.method().name(), path, body);
                boolean allowed = ALLOWED.get(key).contains(user);
                if (allowed && (answer.status() == 401 || answer.status() == 403)) {
                    failures.add(user + " " + key + " should pass the policy but got " + answer.status() + " " + answer.body());
                }
                if (!allowed) {
                    boolean audited = server.events.events().subList(eventsBefore, server.events.events().size()).stream()
                            .anyMatch(e -> e.outcome() == EventOutcome.DENIED && e.caller().userId().equals(user));
                    if (answer.status() != 403 || !audited) {
                        failures.add(user + " " + key + " should be 403 and audited but got " + answer.status() + " audited=" + audited);
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }
}
