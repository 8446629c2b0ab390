package org.spe.server.api;

import java.util.List;

/** Every route module of the platform, in the order they are registered. */
public final class RouteModules {
    private RouteModules() {}

    public static List<RouteModule> all() {
        return List.of(new AuditRoutes());
    }
}
