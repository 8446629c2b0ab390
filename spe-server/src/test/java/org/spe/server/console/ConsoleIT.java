package org.spe.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.spe.core.json.Json;
import org.spe.server.api.ApiServer;
import org.spe.server.api.SecurityHeaders;
import org.spe.server.testing.TestServer;

/**
 * The console as the platform serves it: the built bundle, client routes answered with
 * index.html, the strict security headers on console and API answers alike, and the session
 * answers the console's timeout warning reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleIT {
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
    void indexLoadsOnlyItsOwnScriptAndStyleSheetWithNothingInline() {
        HttpResponse<String> index = get("/console/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(index.body()).contains("<script defer src=\"/console/app.js\"></script>")
                .contains("<link rel=\"stylesheet\" href=\"/console/app.css\">")
                .contains("<html lang=\"ja\">");
        assertThat(index.body()).doesNotContainPattern("<script(?![^>]*\\ssrc=)").doesNotContain("<style").doesNotContain("style=")
                .doesNotContainPattern("\\son[a-z]+=");
        HttpResponse<String> script = get("/console/app.js");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
        assertThat(script.body()).contains("X-CSRF-Token").doesNotContain("eval(");
        HttpResponse<String> css = get("/console/app.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/css"));
    }

    @Test
    void clientRoutesAnswerTheIndexAndUnknownFilesAre404() {
        assertThat(get("/console/workspaces/ws-1").body()).contains("/console/app.js");
        assertThat(get("/console").body()).contains("/console/app.js");
        assertThat(get("/console/reviews").statusCode()).isEqualTo(200);
        assertThat(get("/console/no-such-file.js").statusCode()).isEqualTo(404);
        assertThat(get("/console/%2e%2e/spe-defaults.yaml").statusCode()).isEqualTo(404);
        assertThat(get("/console/..%2fspe-defaults.yaml").statusCode()).isEqualTo(404);
        assertThat(get("/console/logback.xml").statusCode()).isEqualTo(404);
        HttpResponse<String> root = get("/");
        assertThat(root.statusCode()).isBetween(301, 308);
        assertThat(root.headers().firstValue("Location")).hasValue("/console/");
    }

    @Test
    void everyAnswerCarriesTheStrictSecurityHeaders() {
        for (String path : new String[] {"/console/", "/console/app.js", "/api/health", "/api/v1/permits", "/console/missing.css"}) {
            HttpResponse<String> answer = get(path);
            String csp = answer.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(path).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY)
                    .contains("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval").doesNotContain("*");
            assertThat(answer.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(answer.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            assertThat(answer.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
            assertThat(answer.headers().firstValue("Cross-Origin-Opener-Policy")).as(path).hasValue("same-origin");
        }
    }

    @Test
    void loginSetsAStrictCookieAndAnswersHowLongTheSessionLasts() {
        String code = server.nextTotp("alice");
        HttpResponse<String> login = server.send("POST", "/api/v1/auth/login", Json.mapper().createObjectNode().put("username", "alice")
                .put("password", server.credentials.get("alice").password()).put("totp", code).toString(), Map.of());
        assertThat(login.statusCode()).isEqualTo(200);
        String cookie = login.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ApiServer.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").containsIgnoringCase("Secure").contains("Path=/");
        var body = new TestServer.Answer(200, "", login.body()).json();
        assertThat(body.get("expiresInSeconds").asLong()).isEqualTo(30L * 60);
        assertThat(body.get("csrfToken").asText()).isNotBlank();

        TestServer.Client alice = server.login("alice");
        HttpResponse<String> permits = server.send("GET", "/api/v1/permits", null, Map.of("Cookie", alice.cookie()));
        assertThat(permits.headers().firstValue(ApiServer.SESSION_EXPIRES_HEADER)).hasValue(Long.toString(30L * 60));
        assertThat(server.call(Optional.of(alice), "GET", "/api/v1/auth/session", null).json().get("expiresInSeconds").asLong()).isEqualTo(30L * 60);
        assertThat(get("/api/health").headers().firstValue(ApiServer.SESSION_EXPIRES_HEADER)).isEmpty();
    }

    private HttpResponse<String> get(String path) {
        return server.send("GET", path, null, Map.of());
    }
}
