package org.spe.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.spe.core.json.Json;

/**
 * A browser's side of the kernel WebSocket, played by the JDK's {@link java.net.http.WebSocket}
 * against the real server: sends the session cookie (and an Origin when given), collects every
 * JSON message and the close code. Thread-safe.
 */
public final class BrowserSocket implements AutoCloseable {
    /** How the server closed the socket. */
    public record Close(int code, String reason) {}

    private final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private BrowserSocket(URI uri, String cookie, Optional<String> origin) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10)).header("Cookie", cookie);
        origin.ifPresent(o -> builder.header("Origin", o));
        StringBuilder partial = new StringBuilder();
        this.socket = builder.buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    try {
                        messages.add(Json.mapper().readTree(partial.toString()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    partial.setLength(0);
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

    /**
     * Opens the socket; the {@code CompletionException} of a refused upgrade propagates.
     *
     * @param path e.g. {@code /api/v1/workspaces/W/kernels/K/channels?csrf=...}
     */
    public static BrowserSocket open(int port, String path, String cookie, Optional<String> origin) {
        return new BrowserSocket(URI.create("ws://127.0.0.1:" + port + path), cookie, origin);
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** Sends an execute message for {@code code}. */
    public void execute(String code, String cellId) {
        send(Json.mapper().createObjectNode().put("type", "execute").put("code", code).put("cellId", cellId).toString());
    }

    /** The next message, waiting up to {@code timeout}; fails when none comes. */
    public JsonNode next(Duration timeout) {
        try {
            JsonNode message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                throw new IllegalStateException("no message within " + timeout);
            }
            return message;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Messages up to and including the first that matches, waiting up to {@code timeout} in all. */
    public List<JsonNode> until(Predicate<JsonNode> last, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<JsonNode> seen = new ArrayList<>();
        while (true) {
            JsonNode message = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            seen.add(message);
            if (last.test(message)) {
                return seen;
            }
        }
    }

    /** Messages of one execute of {@code cellId}, up to its {@code status idle}. */
    public List<JsonNode> untilIdle(String cellId, Duration timeout) {
        return until(m -> m.path("type").asText().equals("status") && m.path("state").asText().equals("idle") && m.path("cellId").asText().equals(cellId),
                timeout);
    }

    /** How the server closed it, waiting up to {@code timeout}. */
    public Close awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isOpen() {
        return !socket.isOutputClosed() && !closed.isDone();
    }

    /** Closes from the browser's side (a dropped socket), without waiting for the answer. */
    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
