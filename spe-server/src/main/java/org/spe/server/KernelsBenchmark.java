package org.spe.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.spe.core.SpeException;
import org.spe.core.account.Totp;
import org.spe.core.bench.BenchReport;
import org.spe.core.json.Json;
import org.spe.server.api.ApiServer;
import org.spe.server.api.RouteModules;
import org.spe.server.config.ConfigLoader;
import org.spe.server.config.SpeConfig;
import org.spe.workspace.kernel.ExecutionStatus;
import org.spe.workspace.kernel.KernelGateway;
import org.spe.workspace.kernel.KernelSession;

/**
 * {@code spe bench kernels}: the notebook path of a real embedded platform (PostgreSQL, a small
 * synthetic lake, a workspace with its Jupyter server in bubblewrap), measured from outside as a
 * browser sees it. Figures: round-trip latency of a trivial execute ({@code 1+1}) through the
 * server's WebSocket, until its {@code execute_reply} (p50, p95), against the same executions on a
 * direct connection to the same kernel gateway in the same run; the same through the HTTP execute
 * route; kernel start (start request until its first execute has answered, median of three);
 * and the seconds {@code spe.sql} takes to return a 1,000,000-row DataFrame in the kernel, with
 * the old JSON-rows encoding timed in the same kernel for comparison. Writes
 * {@code bench-results/kernels.json}. Blocks for the whole run (a few minutes).
 */
public final class KernelsBenchmark {
    /** Executions timed per path. */
    public static final int DEFAULT_RUNS = 200;
    private static final int WARMUP = 20;
    private static final Duration WAIT = Duration.ofMinutes(5);
    private static final String MILLION_ROWS = "SELECT id, id * 2 AS doubled, CONCAT('label-', CAST(id % 97 AS STRING)) AS label, "
            + "CAST(id % 7 AS DOUBLE) / 3 AS ratio FROM range(1000000)";

    private KernelsBenchmark() {}

    /**
     * Runs the whole benchmark with {@code runs} timed executes per path, prints the table and
     * writes {@code bench-results/kernels.json}. Blocks for minutes.
     *
     * @throws IllegalStateException if the workspace does not start or an execute fails
     */
    public static void run(PrintStream out, int runs) {
        Path data;
        try {
            data = Files.createTempDirectory("spe-bench-kernels");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SpeConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of("dataDir", data.toString(), "server.port", "0",
                "demo.patients", "2000", "compute.workers", "0"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        try (Platform platform = Platform.start(config, Clock.systemUTC());
                Workspaces workspaces = new Workspaces(platform).start();
                ApiServer server = new ApiServer(platform, RouteModules.all(workspaces)).start("127.0.0.1", 0)) {
            DemoSeed.Credential alice = DemoSeed.seedAccounts(platform).stream().filter(c -> c.username().equals("alice")).findFirst().orElseThrow();
            DemoSeed.seedLakeAndPermits(platform);
            Client client = Client.login(http, server.port(), alice);
            String permitId = platform.permits.list(new org.spe.core.account.Caller("sam", java.util.EnumSet.of(org.spe.core.account.Role.DATA_STEWARD), "bench", "local")).stream().filter(p -> p.researchers().contains("alice"))
                    .findFirst().orElseThrow().id();
            String workspaceId = client.post("/api/v1/workspaces", "{\"permitId\": \"" + permitId + "\", \"name\": \"bench\"}").get("id").asText();
            awaitReady(client, workspaceId);

            List<Double> starts = new ArrayList<>();
            String kernelId = null;
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                kernelId = client.post("/api/v1/workspaces/" + workspaceId + "/kernels", null).get("id").asText();
                requireOk(client.post(executePath(workspaceId, kernelId), "{\"code\": \"1+1\"}"));
                starts.add((System.nanoTime() - start) / 1e9);
            }

            List<Double> throughServer = new ArrayList<>();
            try (Socket socket = Socket.open(http, server.port(), workspaceId, kernelId, client)) {
                for (int i = 0; i < WARMUP + runs; i++) {
                    long start = System.nanoTime();
                    socket.executeAndAwaitReply("1+1", "c" + i);
                    if (i >= WARMUP) {
                        throughServer.add((System.nanoTime() - start) / 1e6);
                    }
                }
            }
            List<Double> direct = new ArrayList<>();
            KernelGateway gateway = workspaces.environment.gateway(workspaceId).orElseThrow();
            try (KernelSession session = gateway.connect(kernelId)) {
                for (int i = 0; i < WARMUP + runs; i++) {
                    long start = System.nanoTime();
                    if (session.execute("1+1", WAIT).status() != ExecutionStatus.OK) {
                        throw new IllegalStateException("a direct execute failed");
                    }
                    if (i >= WARMUP) {
                        direct.add((System.nanoTime() - start) / 1e6);
                    }
                }
            }
            List<Double> rest = new ArrayList<>();
            for (int i = 0; i < WARMUP + runs / 2; i++) {
                long start = System.nanoTime();
                requireOk(client.post(executePath(workspaceId, kernelId), "{\"code\": \"1+1\"}"));
                if (i >= WARMUP) {
                    rest.add((System.nanoTime() - start) / 1e6);
                }
            }

            double csvSeconds = timedInKernel(client, workspaceId, kernelId,
                    "df = spe.sql(\"" + MILLION_ROWS + "\", max_rows=1000000)\nassert len(df) == 1000000, len(df)");
            double jsonSeconds = timedInKernel(client, workspaceId, kernelId,
                    "a = spe._request({'op': 'sql', 'query': \"" + MILLION_ROWS + "\", 'maxRows': 1000000})\n"
                            + "df = pandas.DataFrame(a['rows'], columns=[c['name'] for c in a['columns']])\nassert len(df) == 1000000, len(df)");

            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("executeP50Ms", round(percentile(throughServer, 50)));
            figures.put("executeP95Ms", round(percentile(throughServer, 95)));
            figures.put("directExecuteP50Ms", round(percentile(direct, 50)));
            figures.put("directExecuteP95Ms", round(percentile(direct, 95)));
            figures.put("serverOverDirectP50Ratio", round(percentile(throughServer, 50) / percentile(direct, 50)));
            figures.put("httpExecuteP50Ms", round(percentile(rest, 50)));
            figures.put("executeRuns", runs);
            figures.put("kernelStartSeconds", round(percentile(starts, 50)));
            figures.put("sqlMillionRowsSeconds", round(csvSeconds));
            figures.put("sqlMillionRowsJsonEncodingSeconds", round(jsonSeconds));
            figures.put("loadAverage", round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            BenchReport.write("kernels", figures, out);
        }
    }

    /** Runs {@code code} after {@code import spe, pandas, time} and answers the seconds the kernel measured for it. */
    private static double timedInKernel(Client client, String workspaceId, String kernelId, String code) {
        String program = "import spe, pandas, time\n_t = time.perf_counter()\n" + code + "\nprint('SECONDS', time.perf_counter() - _t)\ndel df";
        JsonNode result = client.post(executePath(workspaceId, kernelId),
                Json.mapper().createObjectNode().put("code", program).put("timeoutSeconds", 300).toString());
        requireOk(result);
        for (JsonNode output : result.get("outputs")) {
            String text = output.path("text").asText("");
            int at = text.indexOf("SECONDS ");
            if (at >= 0) {
                return Double.parseDouble(text.substring(at + 8).trim());
            }
        }
        throw new IllegalStateException("no timing in " + result);
    }

    private static String executePath(String workspaceId, String kernelId) {
        return "/api/v1/workspaces/" + workspaceId + "/kernels/" + kernelId + "/execute";
    }

    private static void requireOk(JsonNode result) {
        if (!result.path("status").asText().equals("OK")) {
            throw new IllegalStateException("an execute did not succeed: " + result);
        }
    }

    private static void awaitReady(Client client, String workspaceId) {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            String state = client.get("/api/v1/workspaces/" + workspaceId).get("state").asText();
            if (state.equals("READY")) {
                return;
            }
            if (state.equals("FAILED")) {
                throw new IllegalStateException("the benchmark workspace failed to start");
            }
            sleep(500);
        }
        throw new IllegalStateException("the benchmark workspace was not ready in " + WAIT);
    }

    static double percentile(List<Double> values, int percent) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A logged-in HTTP client of the benchmark's server. */
    record Client(HttpClient http, int port, String cookie, String csrf) {
        static Client login(HttpClient http, int port, DemoSeed.Credential credential) {
            String body = Json.mapper().createObjectNode().put("username", credential.username()).put("password", credential.password())
                    .put("totp", Totp.code(credential.totpSecret(), Instant.now())).toString();
            HttpResponse<String> response = send(http, HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/auth/login"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
            String cookie = response.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith(ApiServer.SESSION_COOKIE + "="))
                    .findFirst().orElseThrow(() -> new IllegalStateException("login failed: " + response.body())).split(";")[0];
            return new Client(http, port, cookie, parse(response.body()).get("csrfToken").asText());
        }

        JsonNode get(String path) {
            return parse(send(http, request(path).GET().build()).body());
        }

        JsonNode post(String path, String body) {
            HttpRequest.Builder request = request(path).POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            return parse(send(http, request.build()).body());
        }

        private HttpRequest.Builder request(String path) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).header("Cookie", cookie)
                    .header(ApiServer.CSRF_HEADER, csrf);
        }
    }

    /** The browser's WebSocket to one kernel. */
    private static final class Socket implements AutoCloseable {
        private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        private final WebSocket webSocket;

        private Socket(HttpClient http, URI uri, String cookie) {
            StringBuilder partial = new StringBuilder();
            webSocket = http.newWebSocketBuilder().header("Cookie", cookie).buildAsync(uri, new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                        messages.add(parse(partial.toString()));
                        partial.setLength(0);
                    }
                    socket.request(1);
                    return null;
                }
            }).join();
        }

        static Socket open(HttpClient http, int port, String workspaceId, String kernelId, Client client) {
            Socket socket = new Socket(http, URI.create("ws://127.0.0.1:" + port + "/api/v1/workspaces/" + workspaceId + "/kernels/" + kernelId
                    + "/channels?csrf=" + client.csrf()), client.cookie());
            socket.next();
            return socket;
        }

        void executeAndAwaitReply(String code, String cellId) {
            webSocket.sendText(Json.mapper().createObjectNode().put("type", "execute").put("code", code).put("cellId", cellId).toString(), true).join();
            while (true) {
                JsonNode message = next();
                if (message.path("type").asText().equals("execute_reply") && message.path("cellId").asText().equals(cellId)) {
                    if (!message.path("status").asText().equals("OK")) {
                        throw new IllegalStateException("an execute through the server failed: " + message);
                    }
                    return;
                }
                if (message.path("type").asText().equals("error")) {
                    throw new IllegalStateException("the server refused an execute: " + message);
                }
            }
        }

        private JsonNode next() {
            try {
                JsonNode message = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                if (message == null) {
                    throw new IllegalStateException("no message from the server in " + WAIT);
                }
                return message;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw SpeException.invalid("not JSON: %s", text.length() > 200 ? text.substring(0, 200) : text);
        }
    }
}
