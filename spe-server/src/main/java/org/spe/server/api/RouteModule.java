package org.spe.server.api;

import java.util.List;
import org.spe.server.Platform;

/** A group of routes contributed by one part of the platform (audit, workspaces, releases). */
public interface RouteModule {
    List<Route> routes(Platform platform);

    /** The WebSocket endpoints of this part; none by default. */
    default List<WebSocketRoute> webSockets(Platform platform) {
        return List.of();
    }
}
