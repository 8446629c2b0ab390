package org.spe.workspace.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forwarder against a real Unix-domain echo server. */
class UnixSocketForwarderTest {
    @TempDir
    Path directory;

    ServerSocketChannel echoServer;
    Thread echoThread;
    UnixSocketForwarder forwarder;

    @BeforeEach
    void startEchoServer() throws IOException {
        Path socket = directory.resolve("echo.sock");
        echoServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        echoServer.bind(UnixDomainSocketAddress.of(socket));
        echoThread = new Thread(() -> {
            while (echoServer.isOpen()) {
                try {
                    SocketChannel channel = echoServer.accept();
                    Thread echo = new Thread(() -> echo(channel));
                    echo.setDaemon(true);
                    echo.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        echoThread.setDaemon(true);
        echoThread.start();
        forwarder = UnixSocketForwarder.start(socket);
    }

    @AfterEach
    void stop() throws IOException {
        forwarder.close();
        echoServer.close();
    }

    @Test
    void pipesBytesBothWaysOnTheLoopback() throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), forwarder.port())) {
            client.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));

            assertThat(readLine(client.getInputStream())).isEqualTo("ping");
            assertThat(client.getLocalAddress().isLoopbackAddress()).isTrue();
        }
    }

    @Test
    void closeConnectionsCutsOpenConnectionsButKeepsAccepting() throws Exception {
        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), forwarder.port())) {
            first.getOutputStream().write("one\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readLine(first.getInputStream())).isEqualTo("one");
            assertThat(forwarder.openConnections()).isEqualTo(1);

            forwarder.closeConnections();

            first.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
            assertThat(first.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket second = new Socket(InetAddress.getLoopbackAddress(), forwarder.port())) {
            second.getOutputStream().write("two\n".getBytes(StandardCharsets.UTF_8));
            assertThat(readLine(second.getInputStream())).isEqualTo("two");
        }
    }

    @Test
    void aConnectionIsClosedAtOnceWhenTheSocketCannotBeReached() throws IOException {
        try (UnixSocketForwarder nowhere = UnixSocketForwarder.start(directory.resolve("missing.sock"));
                Socket client = new Socket(InetAddress.getLoopbackAddress(), nowhere.port())) {
            client.setSoTimeout((int) Duration.ofSeconds(5).toMillis());

            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void refusesToFollowASymbolicLinkPlantedInPlaceOfTheSocket() throws IOException {
        Path planted = Files.createSymbolicLink(directory.resolve("planted.sock"), directory.resolve("echo.sock"));
        try (UnixSocketForwarder viaLink = UnixSocketForwarder.start(planted);
                Socket client = new Socket(InetAddress.getLoopbackAddress(), viaLink.port())) {
            client.setSoTimeout((int) Duration.ofSeconds(5).toMillis());

            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertThat(viaLink.openConnections()).isZero();
        }
    }

    private static void echo(SocketChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        try (channel) {
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                channel.write(buffer);
                buffer.clear();
            }
        } catch (IOException e) {
            // The test is over or cut the connection.
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }
}
