package org.spe.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.core.event.EventOutcome;
import org.spe.server.testing.TestServer;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiIT {
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
    void healthAnswersWithoutLogin() {
        TestServer.Answer health = server.call(Optional.empty(), "GET", "/api/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        assertThat(health.json().get("secrets").get("backend").asText()).isEqualTo("local");
        assertThat(health.json().get("secrets").get("state").asText()).isEqualTo("OK");
    }

    @Test
    void loginWithPasswordAndTotpGivesASecureSessionCookie() {
        var credential = server.credentials.get("alice");
        server.clock.advance(java.time.Duration.ofSeconds(30));
        String code = org.spe.core.account.Totp.code(credential.totpSecret(), server.clock.instant());
        var response = server.send("POST", "/api/v1/auth/login",
                "{\"username\":\"alice\",\"password\":\"" + credential.password() + "\",\"totp\":\"" + code + "\"}", Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        String cookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("SPE_SESSION=").contains("HttpOnly").contains("Secure").contains("SameSite=Strict");
        TestServer.Answer session = server.call(Optional.of(new TestServer.Client("alice", cookie.split(";")[0], "")), "GET", "/api/v1/auth/session", null);
        assertThat(session.status()).isEqualTo(200);
        assertThat(session.json().get("userId").asText()).isEqualTo("alice");
    }

    @Test
    void wrongPasswordWrongCodeAndUnknownUserAllAnswer401WithTheSameDetail() {
        var alice = server.credentials.get("alice");
        String[] bodies = {
            "{\"username\":\"alice\",\"password\":\"not-her-password\",\"totp\":\"123456\"}",
            "{\"username\":\"alice\",\"password\":\"" + alice.password() + "\",\"totp\":\"000000\"}",
            "{\"username\":\"nobody\",\"password\":\"whatever-password\",\"totp\":\"123456\"}"};
        Set<String> details = new HashSet<>();
        for (String body : bodies) {
            TestServer.Answer answer = server.call(Optional.empty(), "POST", "/api/v1/auth/login", body);
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.contentType()).startsWith("application/problem+json");
            details.add(answer.json().get("detail").asText());
        }
        assertThat(details).containsExactly("Invalid user name, password or one-time code");
        assertThat(server.events.events()).filteredOn(e -> e.action().equals("auth.login") && e.outcome() == EventOutcome.FAILED).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void stateChangesNeedTheCsrfToken() {
        TestServer.Client sam = server.login("sam");
        TestServer.Client withoutToken = new TestServer.Client("sam", sam.cookie(), "forged");
        TestServer.Answer answer = server.call(Optional.of(withoutToken), "POST", "/api/v1/optouts", "{\"personIds\":[\"P1\"]}");
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("detail").asText()).contains("X-CSRF-Token");
        assertThat(server.platform.optOuts.personIdsAsOf(server.clock.instant())).isEmpty();
        assertThat(server.post(sam, "/api/v1/optouts", "{\"personIds\":[\"P1\"]}").status()).isEqualTo(201);
    }

    @Test
    void logoutEndsTheSession() {
        TestServer.Client bob = server.login("bob");
        assertThat(server.post(bob, "/api/v1/auth/logout", null).status()).isEqualTo(204);
        assertThat(server.get(bob, "/api/v1/permits").status()).isEqualTo(401);
    }

    @Test
    void theOpenApiDocumentListsExactlyTheServedRoutes() {
        JsonNode document = server.call(Optional.empty(), "GET", "/api/v1/openapi.json", null).json();
        Set<String> documented = new HashSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        while (paths.hasNext()) {
            var path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey()));
        }
        Set<String> served = new HashSet<>();
        for (Route route : server.server.routes()) {
            served.add(route.method().name() + " " + route.path());
            // Every documented route is really served: without a session it is 401, never 404 or 405.
            String path = route.path().replaceAll("\\{[^}]+}", "x");
            int status = server.call(Optional.empty(), route.method().name(), path, route.changesState() ? "{}" : null).status();
            assertThat(status).as(route.method() + " " + route.path()).isNotIn(404, 405);
            if (route.authenticated()) {
                assertThat(status).as(route.method() + " " + route.path()).isEqualTo(401);
            }
        }
        assertThat(documented).isEqualTo(served);
    }

    @Test
    void metricsArePrometheusText() {
        TestServer.Answer metrics = server.call(Optional.empty(), "GET", "/metrics", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("# TYPE jvm_memory_used_bytes gauge");
    }

    @Test
    void unknownRoutesAreProblemDocuments() {
        TestServer.Answer answer = server.call(Optional.empty(), "GET", "/api/v1/nothing-here", null);
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.contentType()).startsWith("application/problem+json");
    }
}
