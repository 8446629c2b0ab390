package org.spe.server.api;

import static io.javalin.http.HandlerType.GET;
import static io.javalin.http.HandlerType.POST;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.spe.audit.AuditActions;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.server.Platform;
import org.spe.workspace.pool.ComputePool;
import org.spe.workspace.pool.PoolStatus;

/**
 * Operators see the compute pools' workers, cores, memory and GPUs, and scale them (scale-down drains first): the
 * embedded Spark standalone pool, and on Kubernetes the CPU and GPU node pools ({@code cpu}, {@code gpu}).
 */
public final class PoolRoutes implements RouteModule {
    /** The name of the embedded pool in paths. */
    public static final String EMBEDDED = "embedded";

    private final Supplier<List<ComputePool>> pools;

    /** @param pools the running pools, each under its {@link ComputePool#name()} */
    public PoolRoutes(Supplier<List<ComputePool>> pools) {
        this.pools = pools;
    }

    public record ScaleBody(Integer workers) {}

    @Override
    public List<Route> routes(Platform platform) {
        return List.of(
                new Route(GET, "/api/v1/pools", "Compute pools with workers, cores, memory and GPUs used and free (operators)", "pools", true, Optional.empty(), ctx -> {
                    operator(platform, Api.caller(ctx), "GET /api/v1/pools");
                    ctx.json(pools.get().stream().map(p -> view(p.name(), p.status())).toList());
                }),
                new Route(POST, "/api/v1/pools/{name}/scale", "Scale a pool to a number of workers; scaling down drains running work first (operators)", "pools", true,
                        Optional.of(ScaleBody.class), ctx -> {
                            Caller caller = Api.caller(ctx);
                            operator(platform, caller, "POST /api/v1/pools/scale");
                            ScaleBody body = Api.body(ctx, ScaleBody.class);
                            int workers = Api.required(body.workers(), "workers");
                            if (workers < 0 || workers > 64) {
                                throw SpeException.invalid("workers must be 0..64, not %d", workers);
                            }
                            String name = ctx.pathParam("name");
                            Optional<ComputePool> found = pools.get().stream().filter(p -> p.name().equals(name)).findFirst();
                            if (found.isEmpty() && !name.equals(EMBEDDED)) {
                                throw SpeException.notFound("There is no pool named %s", name);
                            }
                            ComputePool running = found.orElseThrow(() -> new SpeException(ErrorCategory.UNAVAILABLE, "No compute pool is running (compute.workers is 0)"));
                            int before = running.status().aliveWorkers().size();
                            running.scaleTo(workers);
                            platform.events.record(DomainEvent.builder(caller, AuditActions.POOL_CHANGE).object("pool", name)
                                    .detail("workersBefore", before).detail("workersAfter", workers).build());
                            ctx.json(view(name, running.status()));
                        }));
    }

    private static void operator(Platform platform, Caller caller, String route) {
        platform.events.enforce(platform.policy.decideOperatePools(caller), DomainEvent.builder(caller, AuditActions.POOL_CHANGE).object("route", route));
    }

    static Map<String, Object> view(String name, PoolStatus status) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", name);
        view.put("state", status.state());
        view.put("workers", status.aliveWorkers().size());
        view.put("cores", status.totalCores());
        view.put("coresUsed", status.usedCores());
        view.put("coresFree", status.freeCores());
        view.put("memoryMb", status.totalMemoryMb());
        view.put("memoryUsedMb", status.usedMemoryMb());
        view.put("memoryFreeMb", status.freeMemoryMb());
        view.put("gpus", status.totalGpus());
        view.put("gpusUsed", status.usedGpus());
        view.put("runningApplications", status.runningApplications().size());
        view.put("workerDetails", status.workers().stream().map(w -> Map.of("id", w.id(), "state", w.state(), "cores", w.cores(),
                "coresUsed", w.coresUsed(), "memoryMb", w.memoryMb(), "memoryUsedMb", w.memoryUsedMb())).toList());
        return view;
    }
}
