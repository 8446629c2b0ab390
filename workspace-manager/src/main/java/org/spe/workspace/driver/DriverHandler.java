package org.spe.workspace.driver;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.workspace.helper.ControlHandler;
import org.spe.workspace.helper.SqlControlHandler;
import org.spe.workspace.sql.SessionWorkspaceSql;
import org.spe.workspace.sql.SqlLimits;

/**
 * The requests a workspace's driver JVM answers on its private socket (the platform is the only
 * client; the socket's directory is mode 0700 and outside every sandbox). One JSON object per
 * request:
 *
 * <ul>
 *   <li>{@code {"op":"bind","workspaceId":"W-0001","extract":"/…/extracts/P-1/v1"}}: registers the
 *       extract's views ({@link SessionWorkspaceSql}, {@code runSQLOnFiles=false}); once only.
 *   <li>{@code {"op":"sql","query":"…","jobGroup":"…","maxRows":N,"maxBytes":B,"timeoutMillis":T}}:
 *       the {@link SqlControlHandler#success} answer, or an error with its category.
 *   <li>{@code {"op":"cancel","jobGroup":"…"}}: {@code {"ok":true,"cancelled":b}}.
 *   <li>{@code {"op":"status"}}: the application id, the bound workspace and tables, executors, and
 *       Spark's own accounting of the application's tasks: {@code cpuSeconds} (executor CPU time) and
 *       {@code taskSeconds} (executor run time).
 * </ul>
 *
 * Thread-safe.
 */
final class DriverHandler implements ControlHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DriverHandler.class);

    private final SparkSession spark;
    private final AtomicReference<Bound> bound = new AtomicReference<>();
    private final LongAdder cpuNanos = new LongAdder();
    private final LongAdder runMillis = new LongAdder();
    private final DoubleAdder tasks = new DoubleAdder();

    private record Bound(String workspaceId, SessionWorkspaceSql sql) {}

    DriverHandler(SparkSession spark) {
        this.spark = requireNonNull(spark, "spark is null");
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
                if (taskEnd.taskMetrics() != null) {
                    cpuNanos.add(taskEnd.taskMetrics().executorCpuTime());
                    runMillis.add(taskEnd.taskMetrics().executorRunTime());
                }
                tasks.add(1);
            }
        });
    }

    @Override
    public String handle(String request) {
        try {
            JsonNode root = parse(request);
            return switch (root.path("op").asText("")) {
                case "bind" -> bind(root);
                case "sql" -> sql(root);
                case "cancel" -> cancel(root);
                case "status" -> status();
                default -> throw SpeException.invalid("unknown op (expected bind, sql, cancel or status)");
            };
        } catch (SpeException e) {
            return SqlControlHandler.error(e.category(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("driver request failed", e);
            return SqlControlHandler.error(ErrorCategory.INTERNAL, "internal error in the workspace's Spark driver: " + e);
        }
    }

    private String bind(JsonNode root) {
        String workspaceId = text(root, "workspaceId");
        Path extract = Path.of(text(root, "extract"));
        synchronized (bound) {
            Bound current = bound.get();
            if (current != null) {
                if (current.workspaceId().equals(workspaceId)) {
                    return ok().toString();
                }
                throw SpeException.conflict("this driver is bound to workspace %s", current.workspaceId());
            }
            bound.set(new Bound(workspaceId, SessionWorkspaceSql.open(spark, workspaceId, extract)));
        }
        LOG.info("bound to workspace {} over {}", workspaceId, extract);
        return ok().toString();
    }

    private String sql(JsonNode root) {
        SessionWorkspaceSql sql = bound().sql();
        SqlLimits limits = new SqlLimits(root.path("maxRows").asInt(SqlLimits.defaults().maxRows()),
                root.path("maxBytes").asLong(SqlLimits.defaults().maxBytes()),
                Duration.ofMillis(root.path("timeoutMillis").asLong(SqlLimits.defaults().timeout().toMillis())));
        return SqlControlHandler.success(sql.execute(text(root, "query"), limits, text(root, "jobGroup")));
    }

    private String cancel(JsonNode root) {
        return ok().put("cancelled", bound().sql().cancel(text(root, "jobGroup"))).toString();
    }

    private String status() {
        ObjectNode answer = ok();
        answer.put("applicationId", spark.sparkContext().applicationId());
        answer.put("executors", spark.sparkContext().statusTracker().getExecutorInfos().length - 1);
        Bound current = bound.get();
        if (current != null) {
            answer.put("workspaceId", current.workspaceId());
            current.sql().tables().forEach(answer.putArray("tables")::add);
        }
        answer.put("cpuSeconds", cpuNanos.sum() / 1e9);
        answer.put("taskSeconds", runMillis.sum() / 1e3);
        answer.put("tasks", (long) tasks.sum());
        return answer.toString();
    }

    private Bound bound() {
        Bound current = bound.get();
        if (current == null) {
            throw SpeException.conflict("this driver is not bound to a workspace yet");
        }
        return current;
    }

    private static ObjectNode ok() {
        return DriverAnswers.JSON.createObjectNode().put("ok", true);
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || !node.isTextual() || node.asText().isEmpty()) {
            throw SpeException.invalid("the request needs %s", field);
        }
        return node.asText();
    }

    private static JsonNode parse(String request) {
        try {
            JsonNode root = DriverAnswers.JSON.readTree(request);
            if (root == null || !root.isObject()) {
                throw SpeException.invalid("the request must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw SpeException.invalid("the request is not JSON");
        }
    }
}
