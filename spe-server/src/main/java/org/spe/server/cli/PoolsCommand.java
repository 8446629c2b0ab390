package org.spe.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spe.core.json.Json;
import org.spe.server.api.ApiServer;

/**
 * {@code spe pools list|scale N [--pool NAME]}: the operators' compute-pool commands (the pool
 * {@code embedded} by default; {@code cpu} and {@code gpu} on Kubernetes), against the running
 * platform's API (so they are authorised by the policy and audited with the operator's name, like
 * the console). Options: {@code --url} (default {@code http://127.0.0.1:8080}), {@code --user}
 * (default {@code oscar}); the password comes from {@code --password-file} or the environment
 * variable {@code SPE_PASSWORD}, the current TOTP code from {@code --totp} or {@code SPE_TOTP}.
 * Exit codes: 0 done, 1 refused or failed (the server's problem detail is printed), 2 bad usage.
 */
public final class PoolsCommand {
    private static final List<String> OPTIONS = List.of("--url", "--user", "--password-file", "--totp", "--pool");

    private PoolsCommand() {}

    /** Runs the verb with {@code environment} for {@code SPE_PASSWORD} and {@code SPE_TOTP}. */
    public static int run(List<String> args, Map<String, String> environment, PrintStream out, PrintStream err) {
        if (args.isEmpty() || !List.of("list", "scale").contains(args.get(0))) {
            return usage(err);
        }
        boolean scale = args.get(0).equals("scale");
        int workers = -1;
        List<String> rest = args.subList(1, args.size());
        if (scale) {
            if (rest.isEmpty()) {
                return usage(err);
            }
            try {
                workers = Integer.parseInt(rest.get(0));
            } catch (NumberFormatException e) {
                err.println("error: the number of workers must be a whole number: " + rest.get(0));
                return 2;
            }
            rest = rest.subList(1, rest.size());
        }
        Map<String, String> options;
        try {
            options = Options.parse(rest, OPTIONS);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return usage(err);
        }
        String password;
        try {
            password = options.containsKey("--password-file")
                    ? Files.readString(Path.of(options.get("--password-file")), StandardCharsets.UTF_8).strip()
                    : environment.get("SPE_PASSWORD");
        } catch (IOException e) {
            err.println("error: cannot read the password file: " + e.getMessage());
            return 2;
        }
        String totp = options.getOrDefault("--totp", environment.get("SPE_TOTP"));
        if (password == null || totp == null) {
            err.println("error: give the password (--password-file or SPE_PASSWORD) and the current TOTP code (--totp or SPE_TOTP)");
            return 2;
        }
        Client client = new Client(options.getOrDefault("--url", "http://127.0.0.1:8080"));
        try {
            client.login(options.getOrDefault("--user", "oscar"), password, totp);
            JsonNode answer = scale
                    ? client.send("POST", "/api/v1/pools/" + options.getOrDefault("--pool", "embedded") + "/scale", "{\"workers\": " + workers + "}")
                    : client.send("GET", "/api/v1/pools", null);
            out.print(table(answer.isArray() ? answer : Json.mapper().createArrayNode().add(answer)));
            return 0;
        } catch (Refused e) {
            err.println("error: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("error: the platform at " + client.base + " cannot be reached: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The pools as a table: one line per pool, then one per worker. */
    static String table(JsonNode pools) {
        if (pools.isEmpty()) {
            return "No compute pool runs (compute.workers is 0).\n";
        }
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-10s %-6s %7s %12s %12s %17s %17s %5s %5s%n",
                "POOL", "STATE", "WORKERS", "CORES USED", "CORES FREE", "MEMORY USED MiB", "MEMORY FREE MiB", "GPUS", "APPS"));
        for (JsonNode pool : pools) {
            text.append(String.format(Locale.ROOT, "%-10s %-6s %7d %12d %12d %17d %17d %5d %5d%n", pool.path("name").asText(),
                    pool.path("state").asText(), pool.path("workers").asInt(), pool.path("coresUsed").asInt(), pool.path("coresFree").asInt(),
                    pool.path("memoryUsedMb").asLong(), pool.path("memoryFreeMb").asLong(), pool.path("gpus").asInt(),
                    pool.path("runningApplications").asInt()));
            for (JsonNode worker : pool.path("workerDetails")) {
                text.append(String.format(Locale.ROOT, "  worker %s %s cores %d/%d memory %d/%d MiB%n", worker.path("id").asText(),
                        worker.path("state").asText(), worker.path("coresUsed").asInt(), worker.path("cores").asInt(),
                        worker.path("memoryUsedMb").asInt(), worker.path("memoryMb").asInt()));
            }
        }
        return text.toString();
    }

    private static int usage(PrintStream err) {
        err.println("Usage: spe pools list [--url U] [--user NAME] [--password-file F] [--totp CODE]");
        err.println("       spe pools scale N [--pool embedded|cpu|gpu] [--url U] [--user NAME] [--password-file F] [--totp CODE]");
        err.println("       (password also from SPE_PASSWORD, TOTP code from SPE_TOTP)");
        return 2;
    }

    /** The server refused or failed; the message is its problem detail. */
    static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    /** A logged-in API session. */
    private static final class Client {
        private final String base;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private String cookie;
        private String csrf;

        Client(String base) {
            this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        }

        void login(String user, String password, String totp) throws IOException, InterruptedException, Refused {
            String body = Json.mapper().createObjectNode().put("username", user).put("password", password).put("totp", totp).toString();
            HttpResponse<String> response = http.send(request("POST", "/api/v1/auth/login", body).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw refused(response);
            }
            cookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ApiServer.SESSION_COOKIE + "="))
                    .findFirst().orElseThrow(() -> new Refused("the login answer has no session cookie")).split(";")[0];
            csrf = Json.mapper().readTree(response.body()).path("csrfToken").asText();
        }

        JsonNode send(String method, String path, String body) throws IOException, InterruptedException, Refused {
            HttpRequest.Builder request = request(method, path, body).header("Cookie", cookie).header(ApiServer.CSRF_HEADER, csrf);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw refused(response);
            }
            return Json.mapper().readTree(response.body());
        }

        private HttpRequest.Builder request(String method, String path, String body) {
            // Scaling down drains running work first and may take minutes.
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(15))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            return request;
        }

        private static Refused refused(HttpResponse<String> response) {
            String detail;
            try {
                detail = Json.mapper().readTree(response.body()).path("detail").asText(response.body());
            } catch (IOException e) {
                detail = response.body();
            }
            return new Refused(response.statusCode() + ": " + detail);
        }
    }
}
