package org.spe.workspace.driver;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.spe.core.SpeException;
import org.spe.workspace.sql.SqlLimits;
import org.spe.workspace.sql.SqlResult;
import org.spe.workspace.sql.WorkspaceSql;

/**
 * {@link WorkspaceSql} in the workspace's own driver JVM, whose Spark application runs on the
 * compute pool capped by the permit's quota. The driver runs the same checks as
 * {@link org.spe.workspace.sql.SessionWorkspaceSql} (it is one, there); this class only carries
 * requests and answers. Owns its driver: {@link #close()} stops it. Thread-safe.
 */
public final class RemoteWorkspaceSql implements WorkspaceSql {
    private final String workspaceId;
    private final WorkspaceDriverProcess driver;
    private final List<String> tables;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RemoteWorkspaceSql(String workspaceId, WorkspaceDriverProcess driver, List<String> tables) {
        this.workspaceId = workspaceId;
        this.driver = driver;
        this.tables = tables;
    }

    /**
     * Binds a ready driver to a workspace: it registers the extract's views. Blocking.
     *
     * @throws SpeException NOT_FOUND when there is no finished extract; CONFLICT when the driver is
     *     bound to another workspace; UNAVAILABLE when it cannot be reached
     */
    public static RemoteWorkspaceSql bind(WorkspaceDriverProcess driver, String workspaceId, java.nio.file.Path extract) {
        requireNonNull(driver, "driver is null");
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(extract, "extract is null");
        ObjectNode request = DriverAnswers.JSON.createObjectNode().put("op", "bind").put("workspaceId", workspaceId)
                .put("extract", extract.toAbsolutePath().toString());
        DriverAnswers.ok(driver.request(request.toString()), workspaceId);
        JsonNode status = DriverAnswers.ok(driver.request("{\"op\":\"status\"}"), workspaceId);
        List<String> tables = new ArrayList<>();
        status.path("tables").forEach(table -> tables.add(table.asText()));
        return new RemoteWorkspaceSql(workspaceId, driver, List.copyOf(tables));
    }

    @Override
    public List<String> tables() {
        return tables;
    }

    @Override
    public SqlResult execute(String sql, SqlLimits limits, String jobGroup) {
        requireNonNull(sql, "sql is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(jobGroup, "jobGroup is null");
        if (closed.get()) {
            throw SpeException.conflict("SQL of workspace %s is closed", workspaceId);
        }
        ObjectNode request = DriverAnswers.JSON.createObjectNode().put("op", "sql").put("query", sql).put("jobGroup", jobGroup)
                .put("maxRows", limits.maxRows()).put("maxBytes", limits.maxBytes()).put("timeoutMillis", limits.timeout().toMillis());
        return DriverAnswers.result(DriverAnswers.ok(driver.request(request.toString()), workspaceId));
    }

    @Override
    public boolean cancel(String jobGroup) {
        requireNonNull(jobGroup, "jobGroup is null");
        if (closed.get()) {
            return false;
        }
        ObjectNode request = DriverAnswers.JSON.createObjectNode().put("op", "cancel").put("jobGroup", jobGroup);
        return DriverAnswers.ok(driver.request(request.toString()), workspaceId).path("cancelled").asBoolean(false);
    }

    /**
     * Spark's own accounting of the application so far: executor CPU-seconds and task-seconds.
     *
     * @throws SpeException UNAVAILABLE when the driver cannot be reached
     */
    public DriverUsage usage() {
        JsonNode status = DriverAnswers.ok(driver.request("{\"op\":\"status\"}"), workspaceId);
        return new DriverUsage(status.path("applicationId").asText(""), status.path("cpuSeconds").asDouble(),
                status.path("taskSeconds").asDouble(), status.path("executors").asInt());
    }

    /** The driver behind this SQL. */
    public WorkspaceDriverProcess driver() {
        return driver;
    }

    /** Stops the driver (and so the workspace's Spark application). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            driver.close();
        }
    }

    /**
     * One reading of a driver's accounting.
     *
     * @param applicationId the Spark application id
     * @param cpuSeconds executor CPU time of finished tasks
     * @param taskSeconds executor run (wall) time of finished tasks
     * @param executors executors registered now
     */
    public record DriverUsage(String applicationId, double cpuSeconds, double taskSeconds, int executors) {
        public DriverUsage {
            requireNonNull(applicationId, "applicationId is null");
        }
    }
}
