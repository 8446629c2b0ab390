package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.account.Totp;
import org.spe.core.json.Json;

/**
 * The README's first command, for real: {@code java -jar spe.jar up} in its own process, seeding a
 * small lake; then a demo login with password + TOTP from demo-credentials.txt through the API.
 */
class SpeUpIT {
    private static final Pattern READY = Pattern.compile("SPE is up at http://127\\.0\\.0\\.1:(\\d+)/");

    @Test
    void upStartsSeedsAndAcceptsADemoLogin(@TempDir Path dataDir) throws Exception {
        Path jar = Path.of("target", "spe.jar").toAbsolutePath();
        assertThat(jar).exists();
        // Desktop recordings from an earlier run: one past the audit retention (365 days), one recent.
        Path recordings = Files.createDirectories(dataDir.resolve("desktop-recordings"));
        Path expired = Files.writeString(recordings.resolve("R-expired.guac.enc"), "SPE-DESKTOP-RECORDING 1\n");
        Files.setLastModifiedTime(expired, java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofDays(400))));
        Path recent = Files.writeString(recordings.resolve("R-recent.guac.enc"), "SPE-DESKTOP-RECORDING 1\n");
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g",
                "-jar", jar.toString(), "up", "--port", "0", "--data-dir", dataDir.toString()));
        builder.environment().put("SPE_DEMO_PATIENTS", "500");
        builder.environment().put("SPE_ACCOUNTS_PASSWORD_MEMORY_KIB", "1024");
        builder.redirectErrorStream(true);
        Process process = builder.start();
        try {
            CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    Integer found = null;
                    while ((line = reader.readLine()) != null) {
                        Matcher matcher = READY.matcher(line);
                        if (found == null && matcher.find()) {
                            found = Integer.parseInt(matcher.group(1));
                            return found;
                        }
                    }
                    throw new IllegalStateException("spe up ended without becoming ready, exit " + process.waitFor());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int listening = port.get(240, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + listening;
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);

            Path credentials = dataDir.resolve("demo-credentials.txt");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
            DemoSeed.Credential alice = DemoSeed.readCredentials(credentials).stream().filter(c -> c.username().equals("alice")).findFirst().orElseThrow();
            assertThat(DemoSeed.readCredentials(credentials)).extracting(DemoSeed.Credential::username)
                    .containsExactly("alice", "bob", "carol", "dave", "erin", "oscar", "sam");
            String body = Json.mapper().createObjectNode().put("username", "alice").put("password", alice.password())
                    .put("totp", Totp.code(alice.totpSecret(), Instant.now())).toString();
            HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login"))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
            String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            HttpResponse<String> permits = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/permits")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode list = Json.mapper().readTree(permits.body());
            assertThat(list).hasSize(2);
            assertThat(list.findValuesAsText("level")).containsExactlyInAnyOrder("PSEUDONYMISED", "ANONYMISED");
            assertThat(dataDir.resolve("lake").resolve("ndb_claims")).isDirectory();

            // The embedded compute pool is up, and operators see it (researchers do not).
            DemoSeed.Credential oscar = DemoSeed.readCredentials(credentials).stream().filter(c -> c.username().equals("oscar")).findFirst().orElseThrow();
            String oscarLogin = Json.mapper().createObjectNode().put("username", "oscar").put("password", oscar.password())
                    .put("totp", Totp.code(oscar.totpSecret(), Instant.now())).toString();
            String oscarCookie = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login")).POST(HttpRequest.BodyPublishers.ofString(oscarLogin)).build(),
                    HttpResponse.BodyHandlers.ofString()).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            JsonNode pools = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pools")).header("Cookie", oscarCookie).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertThat(pools).hasSize(1);
            assertThat(pools.get(0).get("workers").asInt()).isEqualTo(1);
            assertThat(pools.get(0).get("cores").asInt()).isEqualTo(4);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/pools")).header("Cookie", cookie).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);

            // Recordings are kept like the audit log: the expired one is deleted at start, audited; the recent one stays.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (Files.exists(expired) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(expired).doesNotExist();
            assertThat(recent).exists();
            DemoSeed.Credential erin = DemoSeed.readCredentials(credentials).stream().filter(c -> c.username().equals("erin")).findFirst().orElseThrow();
            String erinLogin = Json.mapper().createObjectNode().put("username", "erin").put("password", erin.password())
                    .put("totp", Totp.code(erin.totpSecret(), Instant.now())).toString();
            String erinCookie = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/login")).POST(HttpRequest.BodyPublishers.ofString(erinLogin)).build(),
                    HttpResponse.BodyHandlers.ofString()).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            JsonNode purges = Json.mapper().readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/audit/events?action=desktop.recording.purge"))
                    .header("Cookie", erinCookie).build(), HttpResponse.BodyHandlers.ofString()).body()).get("events");
            assertThat(purges).hasSize(1);
            assertThat(purges.get(0).get("objectId").asText()).isEqualTo("R-expired");

            // The auditor's CLI verifies the log of the running platform from its data dir.
            Process verify = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                    "audit", "verify", "--data-dir", dataDir.toString())).redirectErrorStream(false).start();
            String verified = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(verify.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(verify.exitValue()).as(verified).isEqualTo(0);
            assertThat(verified).startsWith("OK ");
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
