package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.EventOutcome;
import org.spe.server.testing.GuacamoleBrowser;
import org.spe.server.testing.TestServer;
import org.spe.workspace.desktop.GuacamoleScreen;
import org.spe.workspace.desktop.Instruction;
import org.spe.workspace.desktop.InstructionParser;
import org.spe.workspace.desktop.TerminalText;

/**
 * The remote desktop through the real server: a workspace of alice's permit provisioned for real
 * (extract, sandbox), its desktop (Xvnc in bubblewrap) reached through the Guacamole
 * WebSocket tunnel by a Java Guacamole client that behaves like the browser's. alice sees her
 * desktop and types {@code echo hello}; a paste is dropped and audited; a second tunnel is
 * refused; bob and carol are refused and audited; the recording is written encrypted and only
 * erin may replay it, seeing the same command; locking the permit cuts the session at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DesktopTunnelIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private TestServer server;
    private TestServer.Client alice;
    private String permitId;
    private String workspace;
    private String recordingId;

    @BeforeAll
    void start() throws InterruptedException {
        server = new TestServer();
        server.seedSyntheticLake("desktop-test", 100, 5);
        permitId = server.createClaimsPermitForAlice("Desktop study", "Explore claims on a desktop");
        alice = server.login("alice");
        workspace = server.post(alice, "/api/v1/workspaces", "{\"permitId\": \"" + permitId + "\", \"name\": \"desk\"}").json().get("id").asText();
        assertThat(awaitReady(workspace)).isEqualTo("READY");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void aliceSeesHerDesktopTypesEchoHelloAndHerPasteIsDropped() throws Exception {
        int eventsBefore = server.events.events().size();
        try (GuacamoleBrowser browser = open(alice, "?width=800&height=600")) {
            assertThat(browser.screen.await(screen -> screen.getWidth() == 800 && (screen.getRGB(400, 300) & 0xFFFFFF) == 0xFFFFFF && TerminalText.showsText(screen), Duration.ofSeconds(60)))
                    .as("the desktop arrives").isTrue();
            Instruction first = browser.received.get(0);
            assertThat(first.opcode()).as("the tunnel announces its UUID first").isEmpty();

            browser.send(Instruction.of("mouse", 200, 150, 0));
            assertThat(browser.screen.await(TerminalText::hasFocus, WAIT)).as("the pointer gives the terminal the focus").isTrue();
            browser.type("echo hello\n");
            boolean shown = browser.screen.await(TerminalText::showsEchoOutput, WAIT);
            BufferedImage screen = browser.screen.snapshot(0).orElseThrow();
            Files.createDirectories(Path.of("target", "screenshots"));
            ImageIO.write(screen, "png", Path.of("target", "screenshots", "desktop-tunnel-echo-hello.png").toFile());
            assertThat(shown).as("echo hello shows its output (target/screenshots/desktop-tunnel-echo-hello.png)").isTrue();

            // A paste from the browser: the Guacamole client sends a clipboard stream; it must not reach the desktop.
            browser.send(Instruction.of("clipboard", 7, "text/plain"));
            browser.send(Instruction.of("blob", 7, java.util.Base64.getEncoder().encodeToString("pasted secret".getBytes())));
            browser.send(Instruction.of("end", 7));
            // A ping of the tunnel's own is answered.
            browser.send(Instruction.of("", "ping", 42));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (browser.received.stream().noneMatch(i -> i.opcode().isEmpty() && i.arguments().equals(List.of("ping", "42"))) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(browser.received).contains(Instruction.of("", "ping", 42));
            List<DomainEvent> events = server.events.events().subList(eventsBefore, server.events.events().size());
            DomainEvent start = events.stream().filter(e -> e.action().equals("desktop.session.start") && e.outcome() == EventOutcome.SUCCESS).findFirst().orElseThrow();
            recordingId = (String) start.details().get("recordingId");
            assertThat(start.caller().userId()).isEqualTo("alice");
            assertThat(start.workspaceId()).contains(workspace);
            assertThat(events).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("desktop.instruction.drop");
                assertThat(e.outcome()).isEqualTo(EventOutcome.DENIED);
                assertThat(e.details()).containsEntry("direction", "TO_DESKTOP").containsEntry("opcode", "clipboard");
            });

            assertThat(refusal(() -> open(alice, ""))).as("one session per user per workspace").isEqualTo(409);
        }
        awaitEvent("desktop.session.end", recordingId);
    }

    @Test
    @Order(2)
    void bobAndCarolCannotOpenAlicesDesktopAndAreAudited() {
        for (String user : List.of("bob", "carol", "erin", "oscar")) {
            TestServer.Client client = server.login(user);
            int before = server.events.events().size();
            assertThat(refusal(() -> open(client, ""))).as(user).isEqualTo(403);
            assertThat(server.events.events().subList(before, server.events.events().size()))
                    .anySatisfy(e -> {
                        assertThat(e.action()).isEqualTo("desktop.session.start");
                        assertThat(e.outcome()).isEqualTo(EventOutcome.DENIED);
                        assertThat(e.caller().userId()).isEqualTo(user);
                    });
        }
        String path = "/api/v1/workspaces/" + workspace + "/desktop/tunnel";
        assertThat(refusal(() -> GuacamoleBrowser.open(server.server.port(), path, alice.cookie(), Optional.of(server.baseUrl())))).as("no csrf").isEqualTo(403);
        assertThat(refusal(() -> GuacamoleBrowser.open(server.server.port(), path + "?csrf=" + alice.csrf(), alice.cookie(), Optional.of("https://evil.example"))))
                .as("another origin").isEqualTo(403);
        assertThat(refusal(() -> open(alice, "&width=99999"))).as("bad size").isEqualTo(400);
        assertThat(refusal(() -> GuacamoleBrowser.open(server.server.port(), "/api/v1/workspaces/W-NOPE/desktop/tunnel?csrf=" + alice.csrf(), alice.cookie(),
                Optional.of(server.baseUrl())))).isEqualTo(404);
    }

    @Test
    @Order(3)
    void theRecordingIsEncryptedAndOnlyTheAuditorReplaysItSeeingTheSameCommand() throws Exception {
        assertThat(recordingId).isNotNull();
        Path file = server.platform.config.dataPath().resolve("desktop-recordings").resolve(recordingId + ".guac.enc");
        assertThat(file).exists();
        assertThat(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("image/png");

        for (String user : List.of("alice", "bob", "carol")) {
            TestServer.Client client = user.equals("alice") ? alice : server.login(user);
            int before = server.events.events().size();
            assertThat(server.get(client, "/api/v1/desktop/recordings").status()).as(user + " lists").isEqualTo(403);
            assertThat(server.get(client, "/api/v1/desktop/recordings/" + recordingId).status()).as(user + " fetches").isEqualTo(403);
            assertThat(server.events.events().subList(before, server.events.events().size())).filteredOn(e -> e.action().equals("desktop.recording.read"))
                    .hasSize(2).allSatisfy(e -> {
                        assertThat(e.outcome()).isEqualTo(EventOutcome.DENIED);
                        assertThat(e.caller().userId()).isEqualTo(user);
                    });
        }
        TestServer.Client erin = server.login("erin");
        TestServer.Answer list = server.get(erin, "/api/v1/desktop/recordings?workspaceId=" + workspace);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().findValuesAsText("id")).contains(recordingId);
        TestServer.Answer recording = server.get(erin, "/api/v1/desktop/recordings/" + recordingId);
        assertThat(recording.status()).isEqualTo(200);

        GuacamoleScreen replay = new GuacamoleScreen();
        InstructionParser parser = new InstructionParser();
        parser.append(recording.body());
        long syncs = 0;
        Optional<Instruction> next;
        while ((next = parser.next()).isPresent()) {
            replay.apply(next.get());
            syncs += next.get().opcode().equals("sync") ? 1 : 0;
        }
        assertThat(parser.partial()).isFalse();
        assertThat(syncs).as("timestamps for the player's timeline").isGreaterThan(1);
        BufferedImage last = replay.snapshot(0).orElseThrow();
        ImageIO.write(last, "png", Path.of("target", "screenshots", "desktop-recording-replayed.png").toFile());
        assertThat(TerminalText.showsEchoOutput(last)).as("erin sees the same command in the replay").isTrue();
        assertThat(server.events.events()).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("desktop.recording.read");
            assertThat(e.caller().userId()).isEqualTo("erin");
            assertThat(e.outcome()).isEqualTo(EventOutcome.SUCCESS);
        });
    }

    @Test
    @Order(4)
    void lockingThePermitCutsTheLiveSessionAtOnce() throws Exception {
        try (GuacamoleBrowser browser = open(alice, "")) {
            assertThat(browser.screen.await(screen -> screen.getWidth() > 0, Duration.ofSeconds(60))).isTrue();
            Instant locking = Instant.now();
            server.workspaces.workspaces.lockPermit(permitId, "permit revoked in test");
            GuacamoleBrowser.Close close = browser.awaitClose(Duration.ofSeconds(10));
            assertThat(Duration.between(locking, Instant.now())).isLessThan(Duration.ofSeconds(10));
            assertThat(close.reason()).isEqualTo("523"); // SESSION_CLOSED
            assertThat(browser.received).anySatisfy(i -> {
                assertThat(i.opcode()).isEqualTo("error");
                assertThat(i.argument(0)).contains("workspace stopped");
            });
        }
        assertThat(server.events.events()).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("desktop.session.end");
            assertThat(e.details()).containsEntry("reason", "WORKSPACE_STOPPED");
        });
        assertThat(refusal(() -> open(alice, ""))).as("a locked workspace opens no desktop").isEqualTo(409);
    }

    private GuacamoleBrowser open(TestServer.Client client, String query) {
        String path = "/api/v1/workspaces/" + workspace + "/desktop/tunnel" + (query.startsWith("?") ? query + "&" : "?") + "csrf=" + client.csrf()
                + (query.startsWith("&") ? query : "");
        return GuacamoleBrowser.open(server.server.port(), path, client.cookie(), Optional.of(server.baseUrl()));
    }

    private void awaitEvent(String action, String recording) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (server.events.events().stream().anyMatch(e -> e.action().equals(action) && recording.equals(e.details().get("recordingId")))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + action + " for " + recording);
    }

    /** The HTTP status of a refused WebSocket upgrade. */
    private static int refusal(Runnable open) {
        try {
            open.run();
            return 101;
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(WebSocketHandshakeException.class);
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
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
