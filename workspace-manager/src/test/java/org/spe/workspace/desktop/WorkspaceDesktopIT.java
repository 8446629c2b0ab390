package org.spe.workspace.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.guacamole.GuacamoleException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.workspace.sandbox.BubblewrapSandboxFactory;
import org.spe.workspace.sandbox.SandboxFixture;
import org.spe.workspace.sandbox.SandboxLayout;

/**
 * A real desktop (Xvnc, twm, xterm in bubblewrap) seen through the embedded gateway, as the
 * browser would see it: pixels arrive, typing {@code echo hello} shows the output line, the
 * watermark names the user, the screen follows the browser's size, and the sandbox has no
 * network but its own loopback.
 */
class WorkspaceDesktopIT {
    @TempDir
    static Path root;
    static SandboxFixture fixture;
    static WorkspaceDesktop desktop;

    @BeforeAll
    static void startDesktop() throws IOException {
        fixture = new SandboxFixture(root);
        DesktopSettings settings = DesktopSettings.defaults(root.resolve("runtime"));
        // one extra client, as the benchmark's moving window: it runs in the sandbox on the desktop's display
        desktop = WorkspaceDesktop.start(new BubblewrapSandboxFactory(root.resolve("runtime")), fixture.spec, settings, 800, 600, false,
                List.of("echo \"display $DISPLAY user $(id -un)\""));
    }

    @Test
    void anExtraClientRunsInTheSandboxOnTheDesktopsDisplay() throws Exception {
        Path log = fixture.spec.controlDirectory().resolve("desktop-client-0.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((!Files.exists(log) || Files.size(log) == 0) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(Files.readString(log).trim()).isEqualTo("display :0 user " + SandboxLayout.USER);
    }

    @Test
    void theVncSocketIsReachableOnlyByItsOwner() throws IOException {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(desktop.vncSocket())))
                .isEqualTo("rw-------");
    }

    @AfterAll
    static void stopDesktop() {
        if (desktop != null) {
            desktop.close();
        }
    }

    @Test
    void typingEchoHelloShowsItsOutputOnTheScreenUnderAWatermark() throws Exception {
        try (DesktopClient client = new DesktopClient(VncGatewaySocket.open(desktop.vncSocket(), "alice", Clock.systemUTC()))) {
            boolean arrived = client.screen.await(screen -> screen.getWidth() == 800 && screen.getHeight() == 600 && whiteAt(screen, 400, 300)
                    && TerminalText.showsText(screen), Duration.ofSeconds(60));
            Files.createDirectories(Path.of("target"));
            client.screen.snapshot(0).ifPresent(first -> writePng(first, Path.of("target", "workspace-desktop-first.png")));
            assertThat(arrived).as("the desktop's white screen with the terminal arrives (see target/workspace-desktop-first.png)").isTrue();
            boolean shown = client.pointAndType(200, 150, "echo hello\n",
                    () -> client.screen.snapshot(0).map(TerminalText::showsEchoOutput).orElse(false), Duration.ofSeconds(10));
            BufferedImage screen = client.screen.snapshot(0).orElseThrow();
            ImageIO.write(screen, "png", root.resolve("desktop.png").toFile());
            ImageIO.write(screen, "png", Path.of("target", "workspace-desktop-echo-hello.png").toFile());
            assertThat(shown).as("the terminal shows the output of echo hello (screenshot in target/workspace-desktop-echo-hello.png)").isTrue();

            BufferedImage watermark = client.screen.snapshot(1).orElseThrow();
            assertThat(opaquePixels(watermark, 600, 550, 800, 600)).as("watermark in the bottom-right corner").isGreaterThan(200);
            assertThat(opaquePixels(watermark, 0, 0, 700, 400)).as("the terminal area stays clear").isZero();
            assertThat(client.failure()).isEmpty();
        }
    }

    @Test
    void theDesktopSandboxHasOnlyItsOwnLoopback() throws Exception {
        try (DesktopClient client = new DesktopClient(VncGatewaySocket.open(desktop.vncSocket(), "alice", Clock.systemUTC()))) {
            assertThat(client.screen.await(screen -> whiteAt(screen, 400, 300) && TerminalText.showsText(screen), Duration.ofSeconds(60))).isTrue();
            Path done = fixture.spec.homeDirectory().resolve("done.txt");
            client.pointAndType(210, 160, "cat /proc/net/dev > ~/net.txt; ls /extract > ~/extract.txt; touch /extract/x 2> ~/ro.txt; echo ok > ~/done.txt\n",
                    () -> Files.exists(done), Duration.ofSeconds(10));
            ImageIO.write(client.screen.snapshot(0).orElseThrow(), "png", Path.of("target", "workspace-desktop-network.png").toFile());
            assertThat(done).exists();
            String interfaces = Files.readString(fixture.spec.homeDirectory().resolve("net.txt"));
            assertThat(interfaces.lines().skip(2).map(line -> line.strip().split(":")[0])).containsExactly("lo");
            assertThat(Files.readString(fixture.spec.homeDirectory().resolve("extract.txt"))).contains("cohort.csv");
            assertThat(Files.readString(fixture.spec.homeDirectory().resolve("ro.txt"))).contains("Read-only file system");
        }
    }

    @Test
    void closingTheDesktopEndsTheStream() throws Exception {
        WorkspaceDesktop second = WorkspaceDesktop.start(new BubblewrapSandboxFactory(root.resolve("runtime2")), new SandboxFixture(root.resolve("second")).spec,
                DesktopSettings.defaults(root.resolve("runtime2")), 640, 480, false);
        DesktopClient client = new DesktopClient(VncGatewaySocket.open(second.vncSocket(), "bob", Clock.systemUTC()));
        assertThat(client.screen.await(screen -> screen.getWidth() == 640, Duration.ofSeconds(20))).isTrue();
        second.close();
        assertThat(client.readerEnded(Duration.ofSeconds(10))).as("the browser's stream ends when the desktop stops").isTrue();
        assertThat(second.isAlive()).isFalse();
    }

    @Test
    void aSizeFromTheBrowserResizesTheDesktopScreen() throws Exception {
        try (WorkspaceDesktop third = WorkspaceDesktop.start(new BubblewrapSandboxFactory(root.resolve("runtime3")), new SandboxFixture(root.resolve("third")).spec,
                DesktopSettings.defaults(root.resolve("runtime3")), 640, 480, false);
                DesktopClient client = new DesktopClient(VncGatewaySocket.open(third.vncSocket(), "carol", Clock.systemUTC()))) {
            assertThat(client.screen.await(screen -> screen.getWidth() == 640 && whiteAt(screen, 600, 440), Duration.ofSeconds(30))).isTrue();

            client.send(Instruction.of("size", 1000, 700, 96));
            // the new area is painted by the X server (its white root window), not just allocated black by the gateway
            assertThat(client.screen.await(screen -> screen.getWidth() == 1000 && screen.getHeight() == 700 && whiteAt(screen, 980, 680),
                    Duration.ofSeconds(20))).as("the desktop's screen grows to the browser's 1000x700").isTrue();
            assertThat(client.screen.await(1, layer -> layer.getWidth() == 1000 && opaquePixels(layer, 800, 650, 1000, 700) > 200,
                    Duration.ofSeconds(10))).as("the watermark moves to the new bottom-right corner").isTrue();

            client.send(Instruction.of("size", 100, 9000));
            assertThat(client.screen.await(screen -> screen.getWidth() == DesktopSettings.MIN_SIZE && screen.getHeight() == DesktopSettings.MAX_HEIGHT,
                    Duration.ofSeconds(20))).as("sizes outside the platform's range are clamped to it").isTrue();

            assertThatThrownBy(() -> client.send(Instruction.of("size", "wide", "tall"))).isInstanceOf(GuacamoleException.class)
                    .hasMessageContaining("not an integer");
            assertThat(client.readerEnded(Duration.ofSeconds(10))).as("a malformed size ends the session").isTrue();
            assertThat(third.isAlive()).as("the desktop itself carries on").isTrue();
        }
    }

    static void writePng(BufferedImage image, Path file) {
        try {
            ImageIO.write(image, "png", file.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static boolean whiteAt(BufferedImage screen, int x, int y) {
        return x < screen.getWidth() && y < screen.getHeight() && (screen.getRGB(x, y) & 0xFFFFFF) == 0xFFFFFF;
    }

    static int opaquePixels(BufferedImage image, int x0, int y0, int x1, int y1) {
        int count = 0;
        for (int y = y0; y < Math.min(y1, image.getHeight()); y++) {
            for (int x = x0; x < Math.min(x1, image.getWidth()); x++) {
                if ((image.getRGB(x, y) >>> 24) > 0) {
                    count++;
                }
            }
        }
        return count;
    }
}
