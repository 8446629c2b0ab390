package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.EventOutcome;
import org.spe.core.json.Json;
import org.spe.server.testing.BrowserSocket;
import org.spe.server.testing.TestServer;

/**
 * Kernels, notebooks and the browser's WebSocket over the real server: two workspaces of alice's
 * permit provisioned with real extracts and Jupyter servers in bubblewrap; kernels bound to their
 * workspace; notebooks saved, refused, executed cell by cell with outputs written back; outputs
 * streamed to a real WebSocket client (the JDK's); faults (interrupt, timeout, output flood, dead
 * kernel, malformed messages); and sockets cut when the workspace is locked.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotebookKernelsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private TestServer server;
    private TestServer.Client alice;
    private String permitId;
    private String workspace;
    private String otherWorkspace;

    @BeforeAll
    void start() throws InterruptedException {
        server = new TestServer();
        server.seedSyntheticLake("notebook-test", 200, 11);
        permitId = server.createClaimsPermitForAlice("Notebook study", "Describe claims");
        alice = server.login("alice");
        workspace = server.post(alice, "/api/v1/workspaces", "{\"permitId\": \"" + permitId + "\", \"name\": \"one\"}").json().get("id").asText();
        otherWorkspace = server.post(alice, "/api/v1/workspaces", "{\"permitId\": \"" + permitId + "\", \"name\": \"two\"}").json().get("id").asText();
        assertThat(awaitReady(workspace)).isEqualTo("READY");
        assertThat(awaitReady(otherWorkspace)).isEqualTo("READY");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void kernelsAreListedRestartedAndShutDownOnlyThroughTheirOwnWorkspace() {
        String kernel = startKernel(workspace);
        String foreign = startKernel(otherWorkspace);
        String base = "/api/v1/workspaces/" + workspace + "/kernels";

        assertThat(server.get(alice, base).json().findValuesAsText("id")).contains(kernel).doesNotContain(foreign);
        // A kernel id of another workspace is refused on every kernel route, and audited.
        int before = server.events.events().size();
        for (String path : List.of("/" + foreign + "/restart", "/" + foreign + "/interrupt", "/" + foreign + "/execute")) {
            TestServer.Answer answer = server.post(alice, base + path, "{\"code\": \"1\"}");
            assertThat(answer.status()).as(path).isEqualTo(403);
            assertThat(answer.body()).contains("is not a kernel of workspace " + workspace);
        }
        assertThat(server.call(Optional.of(alice), "DELETE", base + "/" + foreign, null).status()).isEqualTo(403);
        assertThat(server.events.events().subList(before, server.events.events().size()))
                .filteredOn(e -> e.outcome() == EventOutcome.DENIED && foreign.equals(e.objectId())).hasSize(4);
        assertThat(server.post(alice, base + "/bad.kernel/restart", null).status()).isEqualTo(400);

        // Restart: same id, variables gone.
        assertThat(execute(workspace, kernel, "x = 41").get("status").asText()).isEqualTo("OK");
        TestServer.Answer restarted = server.post(alice, base + "/" + kernel + "/restart", null);
        assertThat(restarted.status()).as(restarted.body()).isEqualTo(200);
        assertThat(restarted.json().get("id").asText()).isEqualTo(kernel);
        JsonNode afterRestart = execute(workspace, kernel, "print(x)");
        assertThat(afterRestart.get("status").asText()).isEqualTo("ERROR");
        assertThat(afterRestart.toString()).contains("NameError");

        // Shut down through its own workspace: gone from the list, and then unknown.
        assertThat(server.call(Optional.of(alice), "DELETE", "/api/v1/workspaces/" + otherWorkspace + "/kernels/" + foreign, null).status()).isEqualTo(204);
        assertThat(server.get(alice, "/api/v1/workspaces/" + otherWorkspace + "/kernels").json().findValuesAsText("id")).doesNotContain(foreign);
        assertThat(server.post(alice, "/api/v1/workspaces/" + otherWorkspace + "/kernels/" + foreign + "/restart", null).status()).isEqualTo(403);
        assertThat(server.events.events()).anyMatch(e -> e.action().equals("notebook.kernel") && "shutdown".equals(e.details().get("operation")));
        // Bob is not on the permit.
        assertThat(server.get(server.login("bob"), base).status()).isEqualTo(403);
    }

    @Test
    @Order(2)
    void notebooksAreSavedOpenedAndRefusedWhenBad() throws Exception {
        String base = "/api/v1/workspaces/" + workspace + "/notebooks";
        TestServer.Answer saved = server.call(Optional.of(alice), "PUT", base + "/content", saveBody("analysis.ipynb", notebook("print('hello')")));
        assertThat(saved.status()).as(saved.body()).isEqualTo(200);
        assertThat(server.get(alice, base).json().findValuesAsText("path")).containsExactly("analysis.ipynb");
        JsonNode opened = server.get(alice, base + "/content?path=analysis.ipynb").json();
        assertThat(opened.get("notebook").get("cells").get(1).get("source").asText()).isEqualTo("print('hello')");

        Path home = server.workspaces.environment.directory(workspace).resolve("home");
        byte[] before = Files.readAllBytes(home.resolve("analysis.ipynb"));
        Path otherHome = server.workspaces.environment.directory(otherWorkspace).resolve("home");
        Files.writeString(otherHome.resolve("theirs.ipynb"), new String(before, java.nio.charset.StandardCharsets.UTF_8));
        Files.createSymbolicLink(home.resolve("linked.ipynb"), otherHome.resolve("theirs.ipynb"));

        for (String path : List.of("../" + otherWorkspace + "/home/theirs.ipynb", otherHome.resolve("theirs.ipynb").toString(), "analysis.py", "linked.ipynb")) {
            TestServer.Answer refused = server.call(Optional.of(alice), "PUT", base + "/content", saveBody(path, notebook("print('overwritten')")));
            assertThat(refused.status()).as(path + " " + refused.body()).isEqualTo(400);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(server.get(alice, base + "/content?path=" + java.net.URLEncoder.encode(path, java.nio.charset.StandardCharsets.UTF_8)).status())
                    .as(path).isEqualTo(400);
        }
        ObjectNode nbformat3 = (ObjectNode) Json.mapper().readTree(notebook("1"));
        nbformat3.put("nbformat", 3);
        TestServer.Answer malformed = server.call(Optional.of(alice), "PUT", base + "/content",
                Json.mapper().createObjectNode().put("path", "analysis.ipynb").set("notebook", nbformat3).toString());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("detail").asText()).contains("nbformat must be 4");
        Files.writeString(home.resolve("broken.ipynb"), "{\"cells\": [");
        assertThat(server.get(alice, base + "/content?path=broken.ipynb").json().get("detail").asText()).contains("broken.ipynb is malformed");

        assertThat(Files.readAllBytes(home.resolve("analysis.ipynb"))).as("bad input changes nothing").isEqualTo(before);
        assertThat(Files.readString(otherHome.resolve("theirs.ipynb"))).doesNotContain("overwritten");
    }

    @Test
    @Order(3)
    void aNotebookRunsCellByCellWithOutputsWrittenBackAndEveryCellAudited() throws Exception {
        String kernel = startKernel(workspace);
        String base = "/api/v1/workspaces/" + workspace + "/notebooks";
        String png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        String document = notebook("print('to stdout')",
                "from IPython.display import HTML, Image, display\nimport base64\ndisplay(HTML('<b>bold</b>'))\ndisplay(Image(data=base64.b64decode('" + png + "')))",
                "6 * 7",
                "1 / 0",
                "print('never runs')");
        assertThat(server.call(Optional.of(alice), "PUT", base + "/content", saveBody("run.ipynb", document)).status()).isEqualTo(200);

        TestServer.Answer ran = server.post(alice, base + "/execute", "{\"path\": \"run.ipynb\", \"kernelId\": \"" + kernel + "\"}");
        assertThat(ran.status()).as(ran.body()).isEqualTo(200);
        JsonNode result = ran.json();
        assertThat(result.get("completed").asBoolean()).isFalse();
        assertThat(result.get("cells").findValuesAsText("status")).containsExactly("OK", "OK", "OK", "ERROR");

        JsonNode cells = Json.mapper().readTree(server.workspaces.environment.directory(workspace).resolve("home/run.ipynb").toFile()).get("cells");
        // Cell 0 is markdown; the code cells are 1 to 5.
        assertThat(cells.get(0).has("outputs")).isFalse();
        assertThat(cells.get(1).get("outputs").get(0).get("output_type").asText()).isEqualTo("stream");
        assertThat(cells.get(1).get("outputs").get(0).get("text").asText()).isEqualTo("to stdout\n");
        assertThat(cells.get(2).get("outputs").findValuesAsText("output_type")).containsExactly("display_data", "display_data");
        assertThat(cells.get(2).get("outputs").get(0).get("data").get("text/html").asText()).isEqualTo("<b>bold</b>");
        assertThat(cells.get(2).get("outputs").get(1).get("data").get("image/png").asText().trim()).isEqualTo(png);
        assertThat(cells.get(3).get("outputs").get(0).get("output_type").asText()).isEqualTo("execute_result");
        assertThat(cells.get(3).get("outputs").get(0).get("data").get("text/plain").asText()).isEqualTo("42");
        assertThat(cells.get(3).get("execution_count").isInt()).isTrue();
        JsonNode error = cells.get(4).get("outputs").get(0);
        assertThat(error.get("output_type").asText()).isEqualTo("error");
        assertThat(error.get("ename").asText()).isEqualTo("ZeroDivisionError");
        assertThat(error.get("traceback").size()).isPositive();
        assertThat(cells.get(5).get("outputs")).isEmpty();
        assertThat(server.events.events()).filteredOn(e -> e.action().equals("notebook.execute") && "run.ipynb".equals(e.details().get("notebook")))
                .extracting(e -> e.details().get("code")).contains("6 * 7", "1 / 0").doesNotContain("print('never runs')");

        TestServer.Answer markdown = server.post(alice, base + "/execute", "{\"path\": \"run.ipynb\", \"kernelId\": \"" + kernel + "\", \"cells\": [9]}");
        assertThat(markdown.status()).isEqualTo(400);
        assertThat(markdown.json().get("detail").asText()).contains("Cell 9 does not exist");
    }

    @Test
    @Order(4)
    void theBrowserSocketStreamsOutputsAndAuditsEveryExecute() {
        String kernel = startKernel(workspace);
        try (BrowserSocket socket = open(workspace, kernel, alice)) {
            assertThat(socket.next(WAIT).get("type").asText()).isEqualTo("ready");
            socket.execute("import time\nfor i in range(3):\n    print('tick', i, flush=True)\n    time.sleep(0.2)\n'done'", "cell-1");
            List<JsonNode> messages = socket.untilIdle("cell-1", WAIT);
            assertThat(messages).extracting(m -> m.get("type").asText()).startsWith("status").endsWith("execute_reply", "status");
            assertThat(messages.get(0).get("state").asText()).isEqualTo("busy");
            List<JsonNode> outputs = messages.stream().filter(m -> m.get("type").asText().equals("output")).toList();
            assertThat(outputs).as("each print arrives as its own message, as it is produced").hasSizeGreaterThanOrEqualTo(3);
            assertThat(outputs.get(0).get("output").get("output_type").asText()).isEqualTo("stream");
            assertThat(outputs).last().extracting(m -> m.get("output").get("data").get("text/plain").asText()).isEqualTo("'done'");
            JsonNode reply = messages.get(messages.size() - 2);
            assertThat(reply.get("status").asText()).isEqualTo("OK");
            assertThat(reply.get("cellId").asText()).isEqualTo("cell-1");

            // Malformed messages get a clear error and the socket stays usable.
            socket.send("not json");
            assertThat(socket.next(WAIT).get("detail").asText()).contains("not valid JSON");
            socket.send("{\"type\": \"launch\"}");
            assertThat(socket.next(WAIT).get("detail").asText()).contains("Unknown message type 'launch'");
            socket.send("{\"type\": \"execute\", \"code\": 5}");
            assertThat(socket.next(WAIT).get("detail").asText()).contains("needs code as a string");
            socket.send("{\"type\": \"execute\", \"code\": \"1\", \"shell\": true}");
            assertThat(socket.next(WAIT).get("detail").asText()).contains("Unknown field 'shell'");
            socket.execute("x = 41", "cell-2");
            assertThat(socket.untilIdle("cell-2", WAIT)).anyMatch(m -> m.path("status").asText().equals("OK"));
        }
        assertThat(server.events.events()).filteredOn(e -> e.action().equals("notebook.execute") && "websocket".equals(e.details().get("via")))
                .anyMatch(e -> e.details().get("code").toString().contains("print('tick', i, flush=True)") && kernel.equals(e.objectId())
                        && workspace.equals(e.workspaceId().orElseThrow()));

        // A new socket after a dropped one finds the same kernel with its variables.
        try (BrowserSocket again = open(workspace, kernel, alice)) {
            again.next(WAIT);
            again.execute("print(x + 1)", "cell-3");
            assertThat(again.untilIdle("cell-3", WAIT)).anyMatch(m -> m.path("output").path("text").asText().equals("42\n"));
        }
    }

    @Test
    @Order(5)
    void interruptsTimeoutsFloodsAndDeadKernelsAreReportedAndTheKernelGoesOn() {
        String kernel = startKernel(workspace);
        try (BrowserSocket socket = open(workspace, kernel, alice)) {
            socket.next(WAIT);
            socket.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(120)", "loop");
            // Interrupt once the code runs (an idle kernel ignores a SIGINT that comes before it).
            socket.until(m -> m.path("output").path("text").asText().contains("sleeping"), WAIT);
            socket.send("{\"type\": \"interrupt\"}");
            List<JsonNode> interrupted = socket.untilIdle("loop", WAIT);
            assertThat(interrupted).anyMatch(m -> m.path("output").path("ename").asText().equals("KeyboardInterrupt"));

            socket.send("{\"type\": \"execute\", \"code\": \"import time\\ntime.sleep(60)\", \"cellId\": \"slow\", \"timeoutSeconds\": 2}");
            assertThat(socket.untilIdle("slow", WAIT)).anyMatch(m -> m.path("status").asText().equals("TIMEOUT") && m.path("detail").asText().contains("interrupted"));

            socket.execute("print('x' * 10_000_000)\nprint('tail')", "flood");
            List<JsonNode> flood = socket.untilIdle("flood", WAIT);
            assertThat(flood).anyMatch(m -> m.path("type").asText().equals("execute_reply") && m.path("truncated").asBoolean());
            assertThat(flood).anyMatch(m -> m.path("output").path("text").asText().contains("output truncated"));
            socket.execute("print('still here')", "after");
            assertThat(socket.untilIdle("after", WAIT)).anyMatch(m -> m.path("output").path("text").asText().equals("still here\n"));

            socket.execute("import os\nos._exit(1)", "die");
            assertThat(socket.untilIdle("die", WAIT)).anyMatch(m -> m.path("status").asText().equals("KERNEL_DIED") && m.path("detail").asText().contains("restart"));
        }
        assertThat(server.post(alice, "/api/v1/workspaces/" + workspace + "/kernels/" + kernel + "/restart", null).status()).isEqualTo(200);
        assertThat(execute(workspace, kernel, "print('back')").toString()).contains("back");
    }

    @Test
    @Order(6)
    void theSocketIsRefusedWithoutSessionCsrfOrPermitAndForAnotherOrigin() {
        String kernel = startKernel(workspace);
        String path = "/api/v1/workspaces/" + workspace + "/kernels/" + kernel + "/channels";
        assertThat(refusal(() -> BrowserSocket.open(server.server.port(), path, alice.cookie(), Optional.empty()))).isEqualTo(403);
        assertThat(refusal(() -> BrowserSocket.open(server.server.port(), path + "?csrf=" + alice.csrf(), "SPE_SESSION=forged", Optional.empty()))).isEqualTo(401);
        assertThat(refusal(() -> BrowserSocket.open(server.server.port(), path + "?csrf=" + alice.csrf(), alice.cookie(), Optional.of("https://evil.example"))))
                .isEqualTo(403);
        TestServer.Client bob = server.login("bob");
        int before = server.events.events().size();
        assertThat(refusal(() -> BrowserSocket.open(server.server.port(), path + "?csrf=" + bob.csrf(), bob.cookie(), Optional.empty()))).isEqualTo(403);
        assertThat(server.events.events().subList(before, server.events.events().size()))
                .anyMatch(e -> e.outcome() == EventOutcome.DENIED && e.caller().userId().equals("bob"));
        String foreignPath = "/api/v1/workspaces/" + otherWorkspace + "/kernels/" + kernel + "/channels?csrf=" + alice.csrf();
        assertThat(refusal(() -> BrowserSocket.open(server.server.port(), foreignPath, alice.cookie(), Optional.empty()))).isEqualTo(403);
        // The same origin, as a browser sends it, is accepted.
        try (BrowserSocket socket = BrowserSocket.open(server.server.port(), path + "?csrf=" + alice.csrf(), alice.cookie(),
                Optional.of("http://127.0.0.1:" + server.server.port()))) {
            assertThat(socket.next(WAIT).get("type").asText()).isEqualTo("ready");
        }
    }

    @Test
    @Order(7)
    void suspendingOrRevokingThePermitCutsKernelsAndClosesSocketsAtOnce() {
        String kernel = startKernel(otherWorkspace);
        try (BrowserSocket socket = open(otherWorkspace, kernel, alice)) {
            socket.next(WAIT);
            assertThat(server.post(alice, "/api/v1/workspaces/" + otherWorkspace + "/suspend", null).json().get("state").asText()).isEqualTo("SUSPENDED");
            BrowserSocket.Close close = socket.awaitClose(Duration.ofSeconds(10));
            assertThat(close.code()).isEqualTo(1008);
            TestServer.Answer kernels = server.get(alice, "/api/v1/workspaces/" + otherWorkspace + "/kernels");
            assertThat(kernels.status()).isEqualTo(409);
            assertThat(kernels.json().get("detail").asText()).contains("SUSPENDED");
        }

        String mine = startKernel(workspace);
        try (BrowserSocket socket = open(workspace, mine, alice)) {
            socket.next(WAIT);
            socket.execute("import time\ntime.sleep(120)", "long");
            assertThat(socket.next(WAIT).get("state").asText()).isEqualTo("busy");
            Instant locking = Instant.now();
            // The steward revokes the permit through the API: its workspaces lock with the change itself.
            TestServer.Answer revoked = server.post(server.login("sam"), "/api/v1/permits/" + permitId + "/state",
                    "{\"state\": \"REVOKED\", \"reason\": \"consent withdrawn\"}");
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            List<JsonNode> last = socket.until(m -> m.path("type").asText().equals("closed"), Duration.ofSeconds(10));
            assertThat(last).last().extracting(m -> m.get("detail").asText()).asString().contains("stopped");
            assertThat(socket.awaitClose(Duration.ofSeconds(10)).code()).isEqualTo(1008);
            assertThat(Duration.between(locking, Instant.now())).isLessThan(Duration.ofSeconds(10));
        }
        assertThat(server.workspaces.workspaces.find(workspace).orElseThrow().state().name()).isEqualTo("LOCKED");
        // The permit is revoked: the policy refuses its workspaces outright (audited), not just the LOCKED state.
        assertThat(server.get(alice, "/api/v1/workspaces/" + workspace + "/kernels").status()).isEqualTo(403);
        assertThat(refusal(() -> open(workspace, mine, alice))).isEqualTo(403);
    }

    private BrowserSocket open(String workspaceId, String kernelId, TestServer.Client client) {
        return BrowserSocket.open(server.server.port(), "/api/v1/workspaces/" + workspaceId + "/kernels/" + kernelId + "/channels?csrf=" + client.csrf(),
                client.cookie(), Optional.empty());
    }

    /** The HTTP status of a refused WebSocket upgrade. */
    private static int refusal(Runnable open) {
        assertThatThrownBy(open::run).isInstanceOf(CompletionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        try {
            open.run();
            return 101;
        } catch (CompletionException e) {
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
    }

    private String startKernel(String workspaceId) {
        TestServer.Answer started = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels", null);
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        return started.json().get("id").asText();
    }

    private JsonNode execute(String workspaceId, String kernelId, String code) {
        TestServer.Answer answer = server.post(alice, "/api/v1/workspaces/" + workspaceId + "/kernels/" + kernelId + "/execute",
                Json.mapper().createObjectNode().put("code", code).toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static String notebook(String... sources) {
        ObjectNode root = Json.mapper().createObjectNode().put("nbformat", 4).put("nbformat_minor", 5);
        root.putObject("metadata");
        var cells = root.putArray("cells");
        cells.addObject().put("cell_type", "markdown").put("source", "# Notes").putObject("metadata");
        for (String source : sources) {
            ObjectNode cell = cells.addObject().put("cell_type", "code").put("source", source);
            cell.putObject("metadata");
            cell.putNull("execution_count");
            cell.putArray("outputs");
        }
        return root.toString();
    }

    private static String saveBody(String path, String notebook) throws Exception {
        return Json.mapper().createObjectNode().put("path", path).set("notebook", Json.mapper().readTree(notebook)).toString();
    }

    private String awaitReady(String workspaceId) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        String state = server.get(alice, "/api/v1/workspaces/" + workspaceId).json().get("state").asText();
        while (!state.equals("READY") && !state.equals("FAILED") && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            state = server.get(alice, "/api/v1/workspaces/" + workspaceId).json().get("state").asText();
        }
        return state;
    }
}
