package org.spe.server.api;

import static io.javalin.http.HandlerType.DELETE;
import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;
import static io.javalin.http.HandlerType.PUT;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.audit.AuditActions;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.json.Json;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.workspace.kernel.ExecutionResult;
import org.spe.workspace.kernel.KernelInfo;
import org.spe.workspace.kernel.KernelSession;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.notebook.Notebook;
import org.spe.workspace.notebook.NotebookEntry;
import org.spe.workspace.notebook.NotebookRunner;
import org.spe.workspace.notebook.NotebookStore;

/**
 * Notebook kernels (list, restart, shut down) and the {@code .ipynb} files in a workspace's home
 * (list, open, save, execute cell by cell with outputs written back), plus the WebSocket that
 * streams a kernel's outputs to the browser ({@link KernelChannels}). Every kernel is bound to its
 * workspace through {@link KernelAccess}; every cell run is audited with its full code before it runs.
 */
public final class NotebookRoutes implements RouteModule {
    private static final Duration RESTART_READY = Duration.ofSeconds(60);
    private final Workspaces workspaces;

    public NotebookRoutes(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    /** Save a notebook: its path in the workspace home and the nbformat 4 document. */
    public record SaveNotebookBody(String path, JsonNode notebook) {}

    /** Run cells of a saved notebook in a kernel; no cells means every code cell, in order. */
    public record ExecuteNotebookBody(String path, String kernelId, List<Integer> cells, Integer timeoutSeconds) {}

    @Override
    public List<Route> routes(Platform platform) {
        KernelAccess access = new KernelAccess(platform, workspaces);
        return List.of(
                new Route(GET, "/api/v1/workspaces/{id}/kernels", "The running kernels of the workspace", "notebooks", true, Optional.empty(), ctx -> {
                    Workspace workspace = access.usable(Api.caller(ctx), ctx.pathParam("id"), AuditActions.WORKSPACE_READ);
                    ctx.json(access.gateway(workspace).kernels().stream().map(NotebookRoutes::kernelView).toList());
                }),
                new Route(POST, "/api/v1/workspaces/{id}/kernels/{kernelId}/restart", "Restart a kernel of the workspace: a new process, variables lost, same id",
                        "notebooks", true, Optional.empty(), ctx -> {
                            KernelAccess.BoundKernel bound = access.kernel(Api.caller(ctx), ctx.pathParam("id"), ctx.pathParam("kernelId"), AuditActions.NOTEBOOK_KERNEL);
                            auditKernel(platform, Api.caller(ctx), bound, "restart");
                            KernelInfo restarted = bound.gateway().restart(bound.kernelId());
                            // jupyter-server reconnects to the new kernel's iopub a little after its shell; answer once it is ready.
                            try (KernelSession session = bound.gateway().connect(bound.kernelId())) {
                                session.awaitReady(RESTART_READY);
                            }
                            ctx.json(kernelView(restarted));
                        }),
                new Route(DELETE, "/api/v1/workspaces/{id}/kernels/{kernelId}", "Shut a kernel of the workspace down", "notebooks", true, Optional.empty(), ctx -> {
                    KernelAccess.BoundKernel bound = access.kernel(Api.caller(ctx), ctx.pathParam("id"), ctx.pathParam("kernelId"), AuditActions.NOTEBOOK_KERNEL);
                    auditKernel(platform, Api.caller(ctx), bound, "shutdown");
                    bound.gateway().shutdown(bound.kernelId());
                    ctx.status(204);
                }),
                new Route(GET, "/api/v1/workspaces/{id}/notebooks", "The .ipynb notebooks in the workspace home", "notebooks", true, Optional.empty(), ctx -> {
                    Workspace workspace = running(access, Api.caller(ctx), ctx.pathParam("id"), AuditActions.FILE_READ);
                    ctx.json(store(workspace).list().stream().map(NotebookRoutes::entryView).toList());
                }),
                new Route(GET, "/api/v1/workspaces/{id}/notebooks/content", "Open a notebook (query parameter path, relative to the workspace home)", "notebooks",
                        true, Optional.empty(), ctx -> {
                            Caller caller = Api.caller(ctx);
                            Workspace workspace = running(access, caller, ctx.pathParam("id"), AuditActions.FILE_READ);
                            String path = Api.required(ctx.queryParam("path"), "path");
                            Notebook notebook = store(workspace).open(path);
                            platform.events.record(DomainEvent.builder(caller, AuditActions.FILE_READ).object("notebook", path)
                                    .permit(workspace.permitId()).workspace(workspace.id()).build());
                            ctx.json(Map.of("path", path, "notebook", notebook.document()));
                        }),
                new Route(PUT, "/api/v1/workspaces/{id}/notebooks/content", "Save a notebook (nbformat 4) in the workspace home, replacing it atomically",
                        "notebooks", true, Optional.of(SaveNotebookBody.class), ctx -> {
                            Caller caller = Api.caller(ctx);
                            Workspace workspace = running(access, caller, ctx.pathParam("id"), AuditActions.FILE_WRITE);
                            SaveNotebookBody body = Api.body(ctx, SaveNotebookBody.class);
                            String path = Api.required(body.path(), "path");
                            JsonNode document = Api.required(body.notebook(), "notebook");
                            NotebookEntry saved = store(workspace).save(path, bytes(document));
                            platform.events.record(DomainEvent.builder(caller, AuditActions.FILE_WRITE).object("notebook", path)
                                    .permit(workspace.permitId()).workspace(workspace.id()).detail("bytes", saved.sizeBytes()).build());
                            workspaces.workspaces.touch(workspace.id());
                            ctx.json(entryView(saved));
                        }),
                new Route(POST, "/api/v1/workspaces/{id}/notebooks/execute",
                        "Run a saved notebook's code cells in a kernel, one by one, and write the outputs back into the file (each cell audited with its code)",
                        "notebooks", true, Optional.of(ExecuteNotebookBody.class), ctx -> {
                            Caller caller = Api.caller(ctx);
                            ExecuteNotebookBody body = Api.body(ctx, ExecuteNotebookBody.class);
                            String kernelId = Api.required(body.kernelId(), "kernelId");
                            KernelAccess.BoundKernel bound = access.kernel(caller, ctx.pathParam("id"), kernelId, AuditActions.NOTEBOOK_EXECUTE);
                            String path = Api.required(body.path(), "path");
                            NotebookStore store = store(bound.workspace());
                            Notebook notebook = store.open(path);
                            List<Integer> cells = NotebookRunner.cellsToRun(notebook, body.cells() == null ? List.of() : body.cells());
                            Duration timeout = WorkspaceRoutes.EXECUTE_TIMEOUT;
                            if (body.timeoutSeconds() != null) {
                                if (body.timeoutSeconds() < 1 || body.timeoutSeconds() > WorkspaceRoutes.EXECUTE_TIMEOUT.toSeconds()) {
                                    throw SpeException.invalid("timeoutSeconds must be 1 to %d", WorkspaceRoutes.EXECUTE_TIMEOUT.toSeconds());
                                }
                                timeout = Duration.ofSeconds(body.timeoutSeconds());
                            }
                            NotebookRunner.Run run;
                            try (KernelSession session = bound.gateway().connect(kernelId)) {
                                run = NotebookRunner.run(notebook, cells, session, timeout, new NotebookRunner.CellListener() {
                                    @Override
                                    public void starting(int cell, String code) {
                                        // The full code is audited before it runs, so nothing runs unrecorded.
                                        platform.events.record(DomainEvent.builder(caller, AuditActions.NOTEBOOK_EXECUTE).object("kernel", kernelId)
                                                .permit(bound.workspace().permitId()).workspace(bound.workspace().id()).detail("code", code)
                                                .detail("notebook", path).detail("cell", cell).build());
                                        workspaces.workspaces.touch(bound.workspace().id());
                                    }

                                    @Override
                                    public void output(int cell, ObjectNode output) {
                                    }

                                    @Override
                                    public void finished(int cell, ExecutionResult result) {
                                    }
                                });
                            }
                            store.save(path, run.notebook());
                            Map<String, Object> view = new LinkedHashMap<>();
                            view.put("path", path);
                            view.put("completed", run.completed());
                            view.put("cells", run.cells().stream().map(NotebookRoutes::cellView).toList());
                            view.put("notebook", run.notebook().document());
                            ctx.json(view);
                        }));
    }

    @Override
    public List<WebSocketRoute> webSockets(Platform platform) {
        return List.of(new KernelChannels(platform, workspaces, new KernelAccess(platform, workspaces)).route());
    }

    /** Notebook files are reachable while the workspace runs; suspended and locked workspaces are closed to them. */
    private static Workspace running(KernelAccess access, Caller caller, String workspaceId, String action) {
        Workspace workspace = access.usable(caller, workspaceId, action);
        access.gateway(workspace);
        return workspace;
    }

    private NotebookStore store(Workspace workspace) {
        return new NotebookStore(workspaces.directory(workspace.id()).resolve("home"), NotebookStore.DEFAULT_MAX_BYTES);
    }

    private static void auditKernel(Platform platform, Caller caller, KernelAccess.BoundKernel bound, String operation) {
        platform.events.record(DomainEvent.builder(caller, AuditActions.NOTEBOOK_KERNEL).object("kernel", bound.kernelId())
                .permit(bound.workspace().permitId()).workspace(bound.workspace().id()).detail("operation", operation).build());
    }

    private static byte[] bytes(JsonNode document) {
        try {
            return Json.mapper().writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw SpeException.invalid("The notebook cannot be written as JSON: %s", e.getOriginalMessage());
        }
    }

    static Map<String, Object> kernelView(KernelInfo kernel) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", kernel.id());
        view.put("name", kernel.name());
        view.put("executionState", kernel.executionState());
        view.put("connections", kernel.connections());
        kernel.lastActivity().ifPresent(at -> view.put("lastActivity", at.toString()));
        return view;
    }

    private static Map<String, Object> entryView(NotebookEntry entry) {
        return Map.of("path", entry.path(), "bytes", entry.sizeBytes(), "modifiedAt", entry.modifiedAt().toString());
    }

    private static Map<String, Object> cellView(NotebookRunner.CellRun cell) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("cell", cell.cell());
        view.put("status", cell.status().name());
        cell.executionCount().ifPresent(count -> view.put("executionCount", count));
        return view;
    }
}
