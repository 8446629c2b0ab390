package org.spe.server.api;

import static java.util.Objects.requireNonNull;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import java.util.Optional;

/**
 * One HTTP route: registered with the server and described in the OpenAPI document from the same
 * record, so the two cannot drift apart.
 *
 * @param authenticated whether a session is required (everything except login and health)
 * @param requestBody the DTO type of the body, if any, for the OpenAPI document
 */
public record Route(HandlerType method, String path, String summary, String tag, boolean authenticated, Optional<Class<?>> requestBody, Handler handler) {
    public Route {
        requireNonNull(method, "method is null");
        requireNonNull(path, "path is null");
        requireNonNull(summary, "summary is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(requestBody, "requestBody is null");
        requireNonNull(handler, "handler is null");
    }

    /** Whether the method changes state, and so needs the CSRF token. */
    public boolean changesState() {
        return method != HandlerType.GET && method != HandlerType.HEAD && method != HandlerType.OPTIONS;
    }
}
