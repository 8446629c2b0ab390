package org.spe.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.spe.workspace.desktop.GuacamoleScreen;
import org.spe.workspace.desktop.Instruction;
import org.spe.workspace.desktop.InstructionParser;
import org.spe.workspace.desktop.Keysyms;

/**
 * The browser's Guacamole client, played in Java over the JDK's WebSocket against the real server,
 * the way {@code Guacamole.WebSocketTunnel} and {@code Guacamole.Client} behave: subprotocol
 * {@code guacamole}, the session cookie and the page's Origin, every instruction applied to a
 * {@link GuacamoleScreen}, each {@code sync} acknowledged. Thread-safe.
 */
public final class GuacamoleBrowser implements AutoCloseable {
    /** How the server closed the tunnel. */
    public record Close(int code, String reason) {}

    public final GuacamoleScreen screen = new GuacamoleScreen();
    public final List<Instruction> received = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final InstructionParser parser = new InstructionParser();
    private final Object sendLock = new Object();
    private final WebSocket socket;

    private GuacamoleBrowser(URI uri, String cookie, Optional<String> origin) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60))
                .subprotocols("guacamole").header("Cookie", cookie);
        origin.ifPresent(o -> builder.header("Origin", o));
        this.socket = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                synchronized (parser) {
                    parser.append(data);
                    Optional<Instruction> next;
                    while ((next = parser.next()).isPresent()) {
                        Instruction instruction = next.get();
                        received.add(instruction);
                        screen.apply(instruction);
                        if (instruction.opcode().equals("sync")) {
                            sendOn(webSocket, Instruction.of("sync", instruction.argument(0)));
                        }
                    }
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(new Close(statusCode, reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.complete(new Close(-1, String.valueOf(error.getMessage())));
            }
        }).join();
    }

    /** Opens the tunnel; a refused upgrade throws the {@code CompletionException} of the handshake. */
    public static GuacamoleBrowser open(int port, String path, String cookie, Optional<String> origin) {
        return new GuacamoleBrowser(URI.create("ws://127.0.0.1:" + port + path), cookie, origin);
    }

    public void send(Instruction instruction) {
        sendOn(socket, instruction);
    }

    /** The JDK's WebSocket allows one send at a time: the test's and the sync acknowledgements take turns. */
    private void sendOn(WebSocket webSocket, Instruction instruction) {
        synchronized (sendLock) {
            webSocket.sendText(instruction.encode(), true).join();
        }
    }

    /** Types {@code text} key by key. */
    public void type(String text) {
        for (Instruction key : Keysyms.type(text)) {
            send(key);
        }
    }

    /** How the server closed the tunnel, waiting up to {@code timeout}. */
    public Close awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isOpen() {
        return !socket.isOutputClosed() && !closed.isDone();
    }

    /** Closes from the browser's side, as a page that is left. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }
}
