package org.spe.workspace.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.net.GuacamoleSocket;
import org.junit.jupiter.api.Test;
import org.spe.core.RetriableException;

/**
 * The production path, platform to guacd: {@link GuacdDesktopConnector} against
 * {@link GuacdStandIn}, which speaks guacd's real handshake on a loopback port. The connector
 * selects VNC, sends the browser's size and formats, names the workspace's VNC server, disables
 * both clipboard directions the policy forbids and never asks for SFTP, audio or drives; after
 * {@code ready} instructions pass both ways; an unreachable guacd or VNC server is a retriable
 * error.
 */
class GuacdDesktopConnectorAgainstGuacdStandInIT {
    @Test
    void handshakesAsGuacdExpectsThenPassesInstructionsBothWays() throws Exception {
        try (GuacdStandIn guacd = new GuacdStandIn(true)) {
            GuacamoleSocket socket = new GuacdDesktopConnector("127.0.0.1", guacd.port())
                    .connect("spe-desktop.spe-ws-w-1.svc.cluster.local", 5900, new DesktopPolicy(false, false), 1280, 800);
            GuacdStandIn.Handshake handshake = guacd.handshake().get(10, TimeUnit.SECONDS);
            assertThat(handshake.selected()).isEqualTo("vnc");
            assertThat(handshake.version()).isEqualTo("VERSION_1_5_0");
            assertThat(handshake.instructions()).extracting(Instruction::opcode).containsSubsequence("size", "audio", "video", "image", "connect");
            assertThat(handshake.instruction("size").arguments()).startsWith("1280", "800");
            assertThat(handshake.instruction("image").arguments()).contains("image/png", "image/jpeg");
            assertThat(handshake.parameters()).containsEntry("hostname", "spe-desktop.spe-ws-w-1.svc.cluster.local").containsEntry("port", "5900")
                    .containsEntry("disable-copy", "true").containsEntry("disable-paste", "true")
                    .containsEntry("enable-sftp", "false").containsEntry("enable-audio", "false")
                    .containsEntry("recording-path", "").containsEntry("sftp-hostname", "");

            Instruction size = Instruction.fromGuacamole(socket.getReader().readInstruction());
            assertThat(size).isEqualTo(Instruction.of("size", 0, 1280, 800));
            socket.getWriter().writeInstruction(Instruction.of("key", 65, 1).toGuacamole());
            assertThat(guacd.received().poll(10, TimeUnit.SECONDS)).isEqualTo(Instruction.of("key", 65, 1));
            guacd.send(Instruction.of("sync", 1234567));
            assertThat(Instruction.fromGuacamole(socket.getReader().readInstruction())).isEqualTo(Instruction.of("sync", 1234567));
            socket.close();
        }
    }

    @Test
    void aPermitsClipboardReachesGuacdAsEnabledDirections() throws Exception {
        try (GuacdStandIn guacd = new GuacdStandIn(true)) {
            GuacamoleSocket socket = new GuacdDesktopConnector("127.0.0.1", guacd.port()).connect("vnc.example", 5901, new DesktopPolicy(true, false), 1024, 640);
            assertThat(guacd.handshake().get(10, TimeUnit.SECONDS).parameters()).containsEntry("disable-paste", "false").containsEntry("disable-copy", "true");
            socket.close();
        }
    }

    @Test
    void aVncServerGuacdCannotReachIsARetriableError() throws Exception {
        try (GuacdStandIn guacd = new GuacdStandIn(false)) {
            assertThatThrownBy(() -> new GuacdDesktopConnector("127.0.0.1", guacd.port()).connect("gone.example", 5900, new DesktopPolicy(false, false), 1024, 640))
                    .isInstanceOf(RetriableException.class).hasMessageContaining("guacd at 127.0.0.1:" + guacd.port());
        }
    }

    @Test
    void aGuacdThatIsNotListeningIsARetriableError() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        int closed = port;
        assertThatThrownBy(() -> new GuacdDesktopConnector("127.0.0.1", closed).connect("vnc.example", 5900, new DesktopPolicy(false, false), 1024, 640))
                .isInstanceOf(RetriableException.class).hasMessageContaining("cannot connect the desktop");
    }
}
