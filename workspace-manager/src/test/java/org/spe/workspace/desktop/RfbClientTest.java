package org.spe.workspace.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RfbClient} against a scripted RFB 3.8 server on a Unix socket (the server's side written
 * byte for byte as RFC 6143 and the ExtendedDesktopSize/Cursor extensions define it, as TigerVNC
 * sends them): resizing is offered only once the server announced its screen, a SetDesktopSize
 * carries that screen's id, a refused request keeps the size, an accepted one reports it, the
 * pointer's shape arrives with its mask as alpha, and oversized or empty screens and cursors are
 * protocol errors.
 */
class RfbClientTest {
    @TempDir
    Path directory;
    private ServerSocketChannel listener;
    private Path socket;

    @BeforeEach
    void listen() throws IOException {
        socket = directory.resolve("vnc.sock");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
    }

    @AfterEach
    void close() throws IOException {
        listener.close();
    }

    /** What the client saw, in order. */
    private static final class Recorder implements RfbClient.Listener {
        final List<String> events = new ArrayList<>();
        int[] cursor;

        @Override
        public void resized(int width, int height) {
            events.add("resized " + width + "x" + height);
        }

        @Override
        public void raw(int x, int y, int width, int height, int[] pixels) {
            events.add("raw " + width + "x" + height);
        }

        @Override
        public void copy(int sourceX, int sourceY, int x, int y, int width, int height) {
            events.add("copy");
        }

        @Override
        public void updateEnd() {
            events.add("end");
        }

        @Override
        public void serverCutText(String text) {
            events.add("cut " + text);
        }

        @Override
        public void cursor(int hotX, int hotY, int width, int height, int[] argb) {
            events.add("cursor " + width + "x" + height + " hot " + hotX + "," + hotY);
            cursor = argb;
        }
    }

    /** Accepts one client, completes the handshake for a 640x480 screen and hands the connection to the test. */
    private CompletableFuture<SocketChannel> server() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                SocketChannel channel = listener.accept();
                DataInputStream in = new DataInputStream(Channels.newInputStream(channel));
                send(channel, "RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                in.readFully(new byte[12]);
                send(channel, new byte[] {1, 1}); // one security type: None
                assertThat(in.readUnsignedByte()).isEqualTo(1);
                send(channel, new byte[4]); // SecurityResult OK
                assertThat(in.readUnsignedByte()).as("shared").isEqualTo(1);
                ByteBuffer init = ByteBuffer.allocate(24 + 4);
                init.putShort((short) 640).putShort((short) 480).put(new byte[16]).putInt(4).put("test".getBytes(StandardCharsets.US_ASCII));
                send(channel, init.array());
                in.readFully(new byte[20]); // SetPixelFormat
                assertThat(in.readUnsignedByte()).as("SetEncodings").isEqualTo(2);
                in.readUnsignedByte();
                int count = in.readUnsignedShort();
                List<Integer> encodings = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    encodings.add(in.readInt());
                }
                assertThat(encodings).contains(0, 1, -223, -239, -308);
                return channel;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private static void send(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** A FramebufferUpdate of one ExtendedDesktopSize rectangle with one screen. */
    private static byte[] extendedDesktopSize(int reason, int status, int width, int height, int screenId) {
        ByteBuffer update = ByteBuffer.allocate(4 + 12 + 4 + 16);
        update.put((byte) 0).put((byte) 0).putShort((short) 1);
        update.putShort((short) reason).putShort((short) status).putShort((short) width).putShort((short) height).putInt(-308);
        update.put((byte) 1).put(new byte[3]);
        update.putInt(screenId).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height).putInt(0);
        return update.array();
    }

    private static byte[] rectangleHeader(int x, int y, int width, int height, int encoding) {
        ByteBuffer update = ByteBuffer.allocate(16);
        update.put((byte) 0).put((byte) 0).putShort((short) 1);
        update.putShort((short) x).putShort((short) y).putShort((short) width).putShort((short) height).putInt(encoding);
        return update.array();
    }

    @Test
    void resizesOnlyTheAnnouncedScreenAndKeepsTheSizeWhenRefused() throws Exception {
        CompletableFuture<SocketChannel> accepted = server();
        try (RfbClient client = RfbClient.connect(socket); SocketChannel server = accepted.get(10, TimeUnit.SECONDS)) {
            assertThat(client.canResize()).as("before the server announced its screen").isFalse();
            assertThat(client.requestSize(800, 600)).isFalse();

            Recorder recorder = new Recorder();
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
                try {
                    client.run(recorder);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            send(server, extendedDesktopSize(0, 0, 640, 480, 0x6b8b4567)); // the answer to SetEncodings: same size
            DataInputStream in = new DataInputStream(Channels.newInputStream(server));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!client.canResize() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(client.requestSize(800, 600)).isTrue();
            byte[] request = new byte[24];
            in.readFully(request);
            ByteBuffer message = ByteBuffer.wrap(request);
            assertThat(message.get() & 0xFF).as("SetDesktopSize").isEqualTo(251);
            message.get();
            assertThat(message.getShort()).isEqualTo((short) 800);
            assertThat(message.getShort()).isEqualTo((short) 600);
            assertThat(message.get()).as("screens").isEqualTo((byte) 1);
            message.get();
            assertThat(message.getInt()).as("the announced screen's id").isEqualTo(0x6b8b4567);
            assertThat(message.getShort()).isZero();
            assertThat(message.getShort()).isZero();
            assertThat(message.getShort()).isEqualTo((short) 800);
            assertThat(message.getShort()).isEqualTo((short) 600);

            send(server, extendedDesktopSize(1, 3, 800, 600, 0x6b8b4567)); // refused (invalid screen layout)
            send(server, extendedDesktopSize(1, 0, 1000, 700, 0x6b8b4567)); // a later request done
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (client.width() != 1000 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            client.close();
            reading.get(10, TimeUnit.SECONDS);
            assertThat(recorder.events).containsExactly("end", "end", "resized 1000x700", "end");
            assertThat(client.width()).isEqualTo(1000);
            assertThat(client.height()).isEqualTo(700);
            assertThatThrownBy(() -> client.requestSize(0, 600)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void thePointersShapeArrivesWithItsMaskAsAlpha() throws Exception {
        CompletableFuture<SocketChannel> accepted = server();
        try (RfbClient client = RfbClient.connect(socket); SocketChannel server = accepted.get(10, TimeUnit.SECONDS)) {
            // a 9x2 cursor (mask rows of 2 bytes), hot spot (4, 1): pixels 0xRRGGBB little-endian, then the mask
            ByteBuffer cursor = ByteBuffer.allocate(9 * 2 * 4 + 2 * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < 18; p++) {
                cursor.putInt(0x00102030 + p);
            }
            cursor.order(java.nio.ByteOrder.BIG_ENDIAN).put((byte) 0b1000_0000).put((byte) 0b1000_0000).put((byte) 0).put((byte) 0);
            send(server, rectangleHeader(4, 1, 9, 2, -239));
            send(server, cursor.array());
            server.close();
            Recorder recorder = new Recorder();
            assertThatThrownBy(() -> client.run(recorder)).isInstanceOf(java.io.EOFException.class);
            assertThat(recorder.events).containsExactly("cursor 9x2 hot 4,1", "end");
            assertThat(recorder.cursor[0]).as("shown: opaque").isEqualTo(0xFF102030);
            assertThat(recorder.cursor[8]).as("the ninth pixel, in the mask's second byte").isEqualTo(0xFF102038);
            assertThat(recorder.cursor[1]).as("masked out: transparent").isZero();
            assertThat(recorder.cursor[9]).as("second row masked out").isZero();
        }
    }

    @Test
    void oversizedCursorsAndEmptyScreensAreProtocolErrors() throws Exception {
        CompletableFuture<SocketChannel> accepted = server();
        try (RfbClient client = RfbClient.connect(socket); SocketChannel server = accepted.get(10, TimeUnit.SECONDS)) {
            send(server, rectangleHeader(0, 0, 4000, 4000, -239));
            assertThatThrownBy(() -> client.run(new Recorder())).isInstanceOf(IOException.class).hasMessageContaining("cursor of 4000x4000");
        }
        CompletableFuture<SocketChannel> again = server();
        try (RfbClient client = RfbClient.connect(socket); SocketChannel server = again.get(10, TimeUnit.SECONDS)) {
            send(server, extendedDesktopSize(0, 0, 0, 480, 1));
            assertThatThrownBy(() -> client.run(new Recorder())).isInstanceOf(IOException.class).hasMessageContaining("0x480 screen");
        }
    }
}
