package org.spe.workspace.desktop;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A stand-in for guacd (the official Guacamole proxy) that speaks its real wire protocol on a
 * loopback port: the client's {@code select,vnc}, guacd's {@code args} (protocol version
 * {@code VERSION_1_5_0} and the VNC parameter names of guacd 1.5, in guacd's order), the client's
 * {@code size}, {@code audio}, {@code video}, {@code image}, {@code timezone} and optional
 * {@code name}, its {@code connect} with the version and one value per parameter, then guacd's
 * {@code ready} with a connection id and the remote display's {@code size}. After the handshake
 * it passes instructions through as guacd does: what the client sends is queued in
 * {@link #received()}, and {@link #send} writes to the client. With {@code vncReachable} false
 * it answers {@code connect} as guacd does when the VNC server cannot be reached: an
 * {@code error} instruction (status 0x0200, upstream error) and a close.
 */
final class GuacdStandIn implements AutoCloseable {
    /** The parameter names guacd 1.5's VNC plugin announces in {@code args}, in its order. */
    static final List<String> VNC_ARGS = List.of("hostname", "port", "read-only", "encodings", "username", "password", "swap-red-blue",
            "color-depth", "cursor", "autoretry", "clipboard-encoding", "dest-host", "dest-port", "enable-audio", "audio-servername",
            "reverse-connect", "listen-timeout", "enable-sftp", "sftp-hostname", "sftp-host-key", "sftp-port", "sftp-username",
            "sftp-password", "sftp-private-key", "sftp-passphrase", "sftp-directory", "sftp-root-directory", "sftp-server-alive-interval",
            "sftp-disable-download", "sftp-disable-upload", "recording-path", "recording-name", "recording-exclude-output",
            "recording-exclude-mouse", "recording-include-keys", "create-recording-path", "disable-copy", "disable-paste",
            "wol-send-packet", "wol-mac-addr", "wol-broadcast-addr", "wol-udp-port", "wol-wait-time", "force-lossless");
    static final String CONNECTION_ID = "$260d01da-779b-4ee9-afc1-c16bae885cc7";

    private final ServerSocket server;
    private final boolean vncReachable;
    private final CompletableFuture<Handshake> handshake = new CompletableFuture<>();
    private final BlockingQueue<Instruction> received = new LinkedBlockingQueue<>();
    private volatile Writer toClient;
    private volatile Socket client;

    /** What the client said during the handshake; {@code parameters} maps each announced name to the value it sent. */
    record Handshake(String selected, List<Instruction> instructions, String version, Map<String, String> parameters) {
        Instruction instruction(String opcode) {
            return instructions.stream().filter(i -> i.opcode().equals(opcode)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + opcode + " instruction in the handshake: " + instructions));
        }
    }

    GuacdStandIn(boolean vncReachable) throws IOException {
        this.vncReachable = vncReachable;
        this.server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread thread = new Thread(this::serve, "guacd-stand-in");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    CompletableFuture<Handshake> handshake() {
        return handshake;
    }

    BlockingQueue<Instruction> received() {
        return received;
    }

    void send(Instruction instruction) throws IOException {
        toClient.write(instruction.encode());
        toClient.flush();
    }

    private void serve() {
        try (Socket socket = server.accept()) {
            client = socket;
            Reader in = new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8);
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.UTF_8);
            toClient = out;
            InstructionParser parser = new InstructionParser();
            Instruction select = next(in, parser);
            if (!select.opcode().equals("select") || !select.argument(0).equals("vnc")) {
                send(Instruction.of("error", "Expected select,vnc", 0x0301));
                return;
            }
            List<String> args = new ArrayList<>(List.of("VERSION_1_5_0"));
            args.addAll(VNC_ARGS);
            send(new Instruction("args", args));
            List<Instruction> instructions = new ArrayList<>();
            Instruction instruction;
            do {
                instruction = next(in, parser);
                instructions.add(instruction);
            } while (!instruction.opcode().equals("connect"));
            Map<String, String> parameters = new java.util.LinkedHashMap<>();
            for (int i = 0; i < VNC_ARGS.size(); i++) {
                parameters.put(VNC_ARGS.get(i), instruction.argument(i + 1));
            }
            handshake.complete(new Handshake(select.argument(0), instructions, instruction.argument(0), parameters));
            if (!vncReachable) {
                send(Instruction.of("error", "Unable to connect to VNC server.", 0x0200));
                return;
            }
            send(Instruction.of("ready", CONNECTION_ID));
            Instruction size = instructions.stream().filter(i -> i.opcode().equals("size")).findFirst().orElseThrow();
            send(Instruction.of("size", 0, size.argument(0), size.argument(1)));
            while (true) {
                received.add(next(in, parser));
            }
        } catch (IOException | RuntimeException e) {
            handshake.completeExceptionally(e);
        }
    }

    private static Instruction next(Reader in, InstructionParser parser) throws IOException {
        char[] buffer = new char[1];
        while (true) {
            var parsed = parser.next();
            if (parsed.isPresent()) {
                return parsed.get();
            }
            if (in.read(buffer) < 0) {
                throw new IOException("the client closed the connection");
            }
            parser.append(buffer, 0, 1);
        }
    }

    @Override
    public void close() throws IOException {
        if (client != null) {
            client.close();
        }
        server.close();
    }
}
