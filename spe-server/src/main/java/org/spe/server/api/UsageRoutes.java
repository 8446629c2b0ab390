package org.spe.server.api;

import static io.javalin.http.HandlerType.GET;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.audit.AuditActions;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.permit.Permit;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.workspace.usage.FeeTable;
import org.spe.workspace.usage.PermitUsage;
import org.spe.workspace.usage.WorkspaceUsage;

/**
 * Metering and fees ({@code /api/v1/usage}): per permit and per workspace, CPU-, task- and
 * GPU-seconds from Spark's own accounting, storage and extract bytes, and the fee estimate from the
 * configured fee table, before and during use. The policy's {@code decideViewUsage} decides who sees
 * a permit's usage (operators, data stewards, auditors and the permit's researchers).
 */
public final class UsageRoutes implements RouteModule {
    private final Workspaces workspaces;

    public UsageRoutes(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    @Override
    public List<Route> routes(Platform platform) {
        return List.of(
                new Route(GET, "/api/v1/usage", "Usage and fee estimates of every permit the caller may see", "usage", true, Optional.empty(), ctx -> {
                    Caller caller = Api.caller(ctx);
                    workspaces.sampleUsage();
                    ctx.json(platform.permits.all().stream().filter(permit -> platform.policy.canViewUsage(caller, permit))
                            .map(permit -> view(workspaces.usage(permit))).toList());
                }),
                new Route(GET, "/api/v1/usage/{id}", "Usage and fee estimate of one permit", "usage", true, Optional.empty(), ctx -> {
                    Caller caller = Api.caller(ctx);
                    String permitId = ctx.pathParam("id");
                    Permit permit = platform.permits.find(permitId).orElseThrow(() -> SpeException.notFound("Permit %s does not exist", permitId));
                    platform.events.enforce(platform.policy.decideViewUsage(caller, permit),
                            DomainEvent.builder(caller, AuditActions.USAGE_READ).object("permit", permit.id()).permit(permit.id()));
                    workspaces.sampleUsage();
                    ctx.json(view(workspaces.usage(permit)));
                }));
    }

    static Map<String, Object> view(PermitUsage usage) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("permitId", usage.permitId());
        view.put("cpuSeconds", usage.cpuSeconds());
        view.put("cpuHours", usage.cpuSeconds() / 3600);
        view.put("cpuHoursBudget", usage.cpuHoursBudget());
        view.put("gpuSeconds", usage.gpuSeconds());
        view.put("gpuHoursBudget", usage.gpuHoursBudget());
        view.put("storageBytes", usage.storageBytes());
        view.put("extractBytes", usage.extractBytes());
        view.put("extractsBuilt", usage.extractsBuilt());
        view.put("workspaces", usage.workspaces().stream().map(UsageRoutes::workspace).toList());
        Map<String, Object> fee = new LinkedHashMap<>();
        fee.put("currency", "JPY");
        fee.put("lines", usage.fee().lines().stream().map(UsageRoutes::line).toList());
        fee.put("totalYen", usage.fee().totalYen());
        view.put("feeEstimate", fee);
        return view;
    }

    private static Map<String, Object> workspace(WorkspaceUsage usage) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("workspaceId", usage.workspaceId());
        view.put("state", usage.state());
        view.put("cpuSeconds", usage.cpuSeconds());
        view.put("taskSeconds", usage.taskSeconds());
        view.put("gpuSeconds", usage.gpuSeconds());
        view.put("storageBytes", usage.storageBytes());
        return view;
    }

    private static Map<String, Object> line(FeeTable.Line line) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("item", line.item());
        view.put("quantity", line.quantity());
        view.put("unit", line.unit());
        view.put("unitYen", line.unitYen());
        view.put("yen", line.yen());
        return view;
    }
}
