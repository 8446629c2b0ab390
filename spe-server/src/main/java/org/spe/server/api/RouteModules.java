package org.spe.server.api;

import java.util.List;

/** Every route module of the platform, in the order they are registered. */
public final class RouteModules {
    private RouteModules() {}

    public static List<RouteModule> all(org.spe.server.Workspaces workspaces) {
        return List.of(new AuditRoutes(), new WorkspaceRoutes(workspaces), new ReleaseRoutes(workspaces), new PoolRoutes(workspaces::pools),
                new NotebookRoutes(workspaces), new UsageRoutes(workspaces), new DesktopRoutes(workspaces));
    }
}
