package org.spe.server.api;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Handler;
import io.javalin.websocket.WsConfig;
import java.util.function.Consumer;

/**
 * One WebSocket endpoint. The server authenticates the upgrade request like any route (session
 * cookie), checks the {@code Origin} and the CSRF token (query parameter {@code csrf}, since
 * browsers cannot add headers to a WebSocket), then runs {@code beforeUpgrade} (which asks the
 * policy and may refuse with an HTTP error before any upgrade), then hands the socket to
 * {@code handlers}.
 *
 * @param path the path template, e.g. {@code /api/v1/workspaces/{id}/kernels/{kernelId}/channels}
 * @param summary what it does, for the docs
 */
public record WebSocketRoute(String path, String summary, Handler beforeUpgrade, Consumer<WsConfig> handlers) {
    public WebSocketRoute {
        requireNonNull(path, "path is null");
        requireNonNull(summary, "summary is null");
        requireNonNull(beforeUpgrade, "beforeUpgrade is null");
        requireNonNull(handlers, "handlers is null");
    }
}
