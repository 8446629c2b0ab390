package org.spe.server.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.audit.AuditActions;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.json.Json;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.workspace.helper.ControlHandler;
import org.spe.workspace.kernel.ExecutionResult;
import org.spe.workspace.kernel.KernelGateway;
import org.spe.workspace.kernel.KernelInfo;
import org.spe.workspace.kernel.KernelOutput;
import org.spe.workspace.kernel.KernelSession;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.sql.ArrowEncoding;
import org.spe.workspace.sql.SqlLimits;
import org.spe.workspace.sql.SqlResult;
import org.spe.workspace.sql.WorkspaceSql;
import org.spe.workspace.lifecycle.WorkspaceState;

/** Workspaces: request, list, start, suspend, destroy, the files in outputs/, and notebook kernels. */
public final class WorkspaceRoutes implements RouteModule {
    /** Longest a single execute request may run before it is interrupted. */
    static final Duration EXECUTE_TIMEOUT = Duration.ofMinutes(5);

    private static final java.util.regex.Pattern QUERY_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Workspaces workspaces;

    public WorkspaceRoutes(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    public record WorkspaceBody(String permitId, String name) {}

    public record ExecuteBody(String code, Integer timeoutSeconds) {}

    /** A query; {@code queryId} (1-64 of {@code [A-Za-z0-9_-]}, optional) names it for {@code …/sql/{queryId}/cancel}. */
    public record SqlBody(String query, Integer maxRows, String format, String queryId) {}

    /** A table made by the platform's table function: the fields of {@code spe.table} (docs/platform-tables.md). */
    public record TableBody(String query, String name, List<String> rows, List<String> columns, String value, String aggregation,
            String personId, String facility, Boolean margins, Boolean suppress) {}

    @Override
    public List<Route> routes(Platform platform) {
        return List.of(
                new Route(GET, "/api/v1/workspaces", "Workspaces the caller may see", "workspaces", true, Optional.empty(),
                        ctx -> ctx.json(workspaces.workspaces.list(Api.caller(ctx)).stream().map(WorkspaceRoutes::view).toList())),
                new Route(POST, "/api/v1/workspaces", "Request a workspace for a permit (researchers named on it); provisioning runs in the background", "workspaces", true,
                        Optional.of(WorkspaceBody.class), ctx -> {
                            WorkspaceBody body = Api.body(ctx, WorkspaceBody.class);
                            ctx.status(202).json(view(workspaces.request(Api.caller(ctx), Api.required(body.permitId(), "permitId"), Api.required(body.name(), "name"))));
                        }),
                new Route(GET, "/api/v1/workspaces/{id}", "One workspace", "workspaces", true, Optional.empty(),
                        ctx -> ctx.json(view(workspaces.workspaces.get(Api.caller(ctx), ctx.pathParam("id"))))),
                new Route(POST, "/api/v1/workspaces/{id}/start", "Start a suspended workspace again", "workspaces", true, Optional.empty(),
                        ctx -> ctx.json(view(workspaces.workspaces.resume(Api.caller(ctx), ctx.pathParam("id"))))),
                new Route(POST, "/api/v1/workspaces/{id}/suspend", "Suspend: processes stop, files stay", "workspaces", true, Optional.empty(),
                        ctx -> ctx.json(view(workspaces.workspaces.suspend(Api.caller(ctx), ctx.pathParam("id"))))),
                new Route(POST, "/api/v1/workspaces/{id}/destroy", "Destroy: processes stop, files are wiped, a signed deletion certificate is kept", "workspaces", true,
                        Optional.empty(), ctx -> ctx.json(view(workspaces.workspaces.destroy(Api.caller(ctx), ctx.pathParam("id"))))),
                new Route(GET, "/api/v1/workspaces/{id}/files", "The files in the workspace's outputs/ (names and sizes only; nothing is downloaded)", "workspaces", true,
                        Optional.empty(), ctx -> {
                            Workspace workspace = usable(platform, Api.caller(ctx), ctx.pathParam("id"), AuditActions.FILE_READ);
                            ctx.json(workspaces.outputFiles.list(workspace.id()).stream()
                                    .map(f -> Map.of("path", f.relativePath(), "bytes", f.sizeBytes())).toList());
                        }),
                new Route(POST, "/api/v1/workspaces/{id}/sql", "Run one read-only query over the workspace's views (audited with the full statement); format json or arrow",
                        "workspaces", true, Optional.of(SqlBody.class), ctx -> {
                            Caller caller = Api.caller(ctx);
                            Workspace workspace = usable(platform, caller, ctx.pathParam("id"), AuditActions.SQL_EXECUTE);
                            SqlBody body = Api.body(ctx, SqlBody.class);
                            String query = Api.required(body.query(), "query");
                            String format = body.format() == null ? "json" : body.format();
                            if (!format.equals("json") && !format.equals("arrow")) {
                                throw SpeException.invalid("format must be json or arrow, not %s", format);
                            }
                            String queryId = body.queryId() == null ? java.util.UUID.randomUUID().toString() : body.queryId();
                            if (!QUERY_ID.matcher(queryId).matches()) {
                                throw SpeException.invalid("queryId must be 1-64 of [A-Za-z0-9_-]");
                            }
                            SqlLimits limits = body.maxRows() == null ? SqlLimits.defaults() : SqlLimits.defaults().withAtMostRows(Math.max(1, body.maxRows()));
                            WorkspaceSql sql = workspaces.sql(workspace.id())
                                    .orElseThrow(() -> SpeException.conflict("Workspace %s is %s; start it first", workspace.id(), workspace.state()));
                            platform.events.record(DomainEvent.builder(caller, AuditActions.SQL_EXECUTE).object("workspace", workspace.id())
                                    .permit(workspace.permitId()).workspace(workspace.id()).detail("statement", query).detail("via", "api").detail("queryId", queryId).build());
                            workspaces.workspaces.touch(workspace.id());
                            long started = System.nanoTime();
                            SqlResult result;
                            try {
                                result = sql.execute(query, limits, "api-" + queryId);
                            } finally {
                                workspaces.queryTimer().record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                            }
                            // Encoded whole (the result is capped) before anything is sent, so a failure is
                            // still a problem answer, never a stream cut short.
                            ctx.header("X-SPE-Truncated", Boolean.toString(result.truncated()));
                            if (format.equals("arrow")) {
                                byte[] arrow = ArrowEncoding.toArrowStream(result);
                                ctx.res().setCharacterEncoding(null); // binary: no "; charset=utf-8" on the type
                                ctx.contentType("application/vnd.apache.arrow.stream").result(arrow);
                            } else {
                                Map<String, Object> answer = new LinkedHashMap<>();
                                answer.put("columns", result.columns().stream().map(c -> Map.of("name", c.name(), "type", c.type())).toList());
                                answer.put("rows", result.rows());
                                answer.put("truncated", result.truncated());
                                ctx.json(answer);
                            }
                        }),
                new Route(POST, "/api/v1/workspaces/{id}/tables", "Make a checked table from a query with the platform's table function, as spe.table "
                        + "does: the CSV goes into outputs/, the evidence of every cell stays with the platform", "workspaces", true,
                        Optional.of(TableBody.class), ctx -> {
                            Caller caller = Api.caller(ctx);
                            Workspace workspace = usable(platform, caller, ctx.pathParam("id"), AuditActions.SQL_EXECUTE);
                            TableBody body = Api.body(ctx, TableBody.class);
                            ObjectNode request = Json.mapper().valueToTree(body);
                            request.properties().removeIf(field -> field.getValue().isNull());
                            request.put("op", "table");
                            ControlHandler tables = workspaces.tableFunction(workspace.id(), caller.userId())
                                    .orElseThrow(() -> SpeException.conflict("Workspace %s is %s; start it first", workspace.id(), workspace.state()));
                            platform.events.record(DomainEvent.builder(caller, AuditActions.SQL_EXECUTE).object("workspace", workspace.id())
                                    .permit(workspace.permitId()).workspace(workspace.id()).detail("statement", String.valueOf(body.query()))
                                    .detail("via", "api-table").build());
                            workspaces.workspaces.touch(workspace.id());
                            JsonNode answer = Json.mapper().readTree(tables.handle(request.toString()));
                            if (!answer.path("ok").asBoolean(false)) {
                                ErrorCategory category = java.util.Arrays.stream(ErrorCategory.values())
                                        .filter(c -> c.name().equals(answer.path("category").asText())).findFirst().orElse(ErrorCategory.INTERNAL);
                                throw new SpeException(category, answer.path("error").asText("the table function failed"));
                            }
                            ((ObjectNode) answer).remove("ok");
                            ctx.status(201).json(answer);
                        }),
                new Route(POST, "/api/v1/workspaces/{id}/sql/{queryId}/cancel", "Cancel a running query of the workspace by the queryId it was sent with (audited)",
                        "workspaces", true, Optional.empty(), ctx -> {
                            Caller caller = Api.caller(ctx);
                            Workspace workspace = usable(platform, caller, ctx.pathParam("id"), AuditActions.SQL_CANCEL);
                            String queryId = ctx.pathParam("queryId");
                            if (!QUERY_ID.matcher(queryId).matches()) {
                                throw SpeException.invalid("queryId must be 1-64 of [A-Za-z0-9_-]");
                            }
                            WorkspaceSql sql = workspaces.sql(workspace.id())
                                    .orElseThrow(() -> SpeException.conflict("Workspace %s is %s; nothing runs", workspace.id(), workspace.state()));
                            boolean cancelled = sql.cancel("api-" + queryId);
                            platform.events.record(DomainEvent.builder(caller, AuditActions.SQL_CANCEL).object("query", queryId)
                                    .permit(workspace.permitId()).workspace(workspace.id()).detail("cancelled", cancelled).build());
                            if (!cancelled) {
                                throw SpeException.notFound("No query %s runs in workspace %s", queryId, workspace.id());
                            }
                            ctx.json(Map.of("queryId", queryId, "cancelled", true));
                        }),
                new Route(POST, "/api/v1/workspaces/{id}/kernels", "Start a Python kernel in the workspace", "notebooks", true, Optional.empty(), ctx -> {
                    Workspace workspace = usable(platform, Api.caller(ctx), ctx.pathParam("id"), AuditActions.WORKSPACE_OPEN);
                    KernelInfo kernel = gateway(workspace).startKernel("python3");
                    platform.events.record(DomainEvent.builder(Api.caller(ctx), AuditActions.WORKSPACE_OPEN).object("kernel", kernel.id())
                            .permit(workspace.permitId()).workspace(workspace.id()).build());
                    ctx.status(201).json(Map.of("id", kernel.id(), "name", kernel.name()));
                }),
                new Route(POST, "/api/v1/workspaces/{id}/kernels/{kernelId}/execute", "Run code in a kernel and answer its outputs (audited with the full code)", "notebooks", true,
                        Optional.of(ExecuteBody.class), ctx -> {
                            Caller caller = Api.caller(ctx);
                            KernelAccess.BoundKernel bound = new KernelAccess(platform, workspaces)
                                    .kernel(caller, ctx.pathParam("id"), ctx.pathParam("kernelId"), AuditActions.NOTEBOOK_EXECUTE);
                            Workspace workspace = bound.workspace();
                            ExecuteBody body = Api.body(ctx, ExecuteBody.class);
                            String code = Api.required(body.code(), "code");
                            Duration timeout = body.timeoutSeconds() == null ? EXECUTE_TIMEOUT
                                    : Duration.ofSeconds(Math.max(1, Math.min(body.timeoutSeconds(), EXECUTE_TIMEOUT.toSeconds())));
                            String kernelId = ctx.pathParam("kernelId");
                            // The full code is audited before it runs, so nothing runs unrecorded.
                            platform.events.record(DomainEvent.builder(caller, AuditActions.NOTEBOOK_EXECUTE).object("kernel", kernelId)
                                    .permit(workspace.permitId()).workspace(workspace.id()).detail("code", code).build());
                            workspaces.workspaces.touch(workspace.id());
                            ExecutionResult result;
                            try (KernelSession session = bound.gateway().connect(kernelId)) {
                                result = session.execute(code, timeout, output -> { });
                            }
                            ctx.json(execution(result));
                        }),
                new Route(POST, "/api/v1/workspaces/{id}/kernels/{kernelId}/interrupt", "Interrupt a running kernel", "notebooks", true, Optional.empty(), ctx -> {
                    KernelAccess.BoundKernel bound = new KernelAccess(platform, workspaces)
                            .kernel(Api.caller(ctx), ctx.pathParam("id"), ctx.pathParam("kernelId"), AuditActions.NOTEBOOK_KERNEL);
                    platform.events.record(DomainEvent.builder(Api.caller(ctx), AuditActions.NOTEBOOK_KERNEL).object("kernel", bound.kernelId())
                            .permit(bound.workspace().permitId()).workspace(bound.workspace().id()).detail("operation", "interrupt").build());
                    bound.gateway().interrupt(bound.kernelId());
                    ctx.status(204);
                }));
    }

    /** The workspace, if the caller may work inside it now (a researcher named on its usable permit); denials are audited. */
    private Workspace usable(Platform platform, Caller caller, String workspaceId, String action) {
        Workspace workspace = workspaces.workspaces.find(workspaceId).orElseThrow(() -> SpeException.notFound("Workspace %s does not exist", workspaceId));
        var permit = platform.permits.find(workspace.permitId()).orElseThrow();
        platform.events.enforce(platform.policy.decideUseWorkspace(caller, permit, platform.permits.today()),
                DomainEvent.builder(caller, action).object("workspace", workspace.id()).permit(permit.id()).workspace(workspace.id()));
        return workspace;
    }

    private KernelGateway gateway(Workspace workspace) {
        if (workspace.state() != WorkspaceState.READY) {
            throw SpeException.conflict("Workspace %s is %s; start it first", workspace.id(), workspace.state());
        }
        return workspaces.gateway(workspace.id())
                .orElseThrow(() -> SpeException.conflict("Workspace %s has no running notebook server; start it again", workspace.id()));
    }

    static Map<String, Object> view(Workspace workspace) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", workspace.id());
        view.put("permitId", workspace.permitId());
        view.put("permitVersion", workspace.permitVersion());
        view.put("ownerId", workspace.ownerId());
        view.put("name", workspace.name());
        view.put("state", workspace.state().name());
        workspace.failure().ifPresent(f -> view.put("failure", f));
        view.put("createdAt", workspace.createdAt().toString());
        view.put("stateChangedAt", workspace.stateChangedAt().toString());
        return view;
    }

    static Map<String, Object> execution(ExecutionResult result) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("status", result.status().name());
        result.executionCount().ifPresent(count -> view.put("executionCount", count));
        view.put("truncated", result.truncated());
        view.put("outputs", result.outputs().stream().map(WorkspaceRoutes::output).toList());
        return view;
    }

    private static Map<String, Object> output(KernelOutput output) {
        Map<String, Object> view = new LinkedHashMap<>();
        if (output instanceof KernelOutput.Stream stream) {
            view.put("type", "stream");
            view.put("name", stream.name().toString().toLowerCase());
            view.put("text", stream.text());
        } else if (output instanceof KernelOutput.DisplayData display) {
            view.put("type", "display_data");
            view.put("data", display.data().data());
        } else if (output instanceof KernelOutput.ExecuteResult execute) {
            view.put("type", "execute_result");
            view.put("data", execute.data().data());
        } else if (output instanceof KernelOutput.Error error) {
            view.put("type", "error");
            view.put("ename", error.ename());
            view.put("evalue", error.evalue());
            view.put("traceback", error.plainTraceback());
        } else if (output instanceof KernelOutput.Truncated truncated) {
            view.put("type", "truncated");
            view.put("limitBytes", truncated.limitBytes());
        }
        return view;
    }
}
