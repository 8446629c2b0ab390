package org.spe.workspace.helper;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.workspace.sql.SqlColumn;
import org.spe.workspace.sql.SqlLimits;
import org.spe.workspace.sql.SqlResult;
import org.spe.workspace.sql.WorkspaceSql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ControlHandler}: answers {@code {"op":"sql","query":"…","maxRows":N}} by running
 * the query on the workspace's {@link WorkspaceSql} within {@code limits} ({@code maxRows} can only
 * lower the row cap), with {@code {"ok":true,"columns":[{"name","type"}],"rows":[[…]],"truncated":b}};
 * {@code {"op":"table",…}} with the error "not available yet"; anything else with an INVALID_INPUT
 * error. With {@code "encoding":"csv"} the rows follow the JSON header line as CSV ({@link CsvRows}),
 * which pandas reads many times faster than JSON rows. Thread-safe.
 */
public final class SqlControlHandler implements ControlHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SqlControlHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WorkspaceSql sql;
    private final SqlLimits limits;
    private final StatementListener listener;

    /**
     * @param sql the workspace's SQL
     * @param limits the caps of every statement from the sandbox
     * @param listener hears (and may refuse) each statement before it runs
     */
    public SqlControlHandler(WorkspaceSql sql, SqlLimits limits, StatementListener listener) {
        this.sql = requireNonNull(sql, "sql is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.listener = requireNonNull(listener, "listener is null");
    }

    @Override
    public String handle(String request) {
        try {
            JsonNode root = parse(request);
            String operation = root.path("op").asText("");
            return switch (operation) {
                case "sql" -> runSql(root);
                case "table" -> {
                    listener.beforeExecute("table", root.path("query").asText(""));
                    throw new SpeException(ErrorCategory.CONFLICT, "spe.table is not available yet");
                }
                default -> throw SpeException.invalid("unknown op (expected sql or table)");
            };
        } catch (SpeException e) {
            return error(e.category(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("control request failed", e);
            return error(ErrorCategory.INTERNAL, "internal error");
        }
    }

    private String runSql(JsonNode root) {
        JsonNode query = root.get("query");
        if (query == null || !query.isTextual()) {
            throw SpeException.invalid("the request needs a query string");
        }
        SqlLimits effective = limits;
        JsonNode maxRows = root.get("maxRows");
        if (maxRows != null && !maxRows.isNull()) {
            if (!maxRows.canConvertToInt() || maxRows.asInt() < 1) {
                throw SpeException.invalid("maxRows must be a positive integer");
            }
            effective = limits.withAtMostRows(maxRows.asInt());
        }
        JsonNode encoding = root.get("encoding");
        boolean csv = encoding != null && !encoding.isNull() && encoding.asText().equals("csv");
        if (encoding != null && !encoding.isNull() && !csv && !encoding.asText().equals("json")) {
            throw SpeException.invalid("encoding must be json or csv");
        }
        listener.beforeExecute("sql", query.asText());
        SqlResult result = sql.execute(query.asText(), effective, "socket-" + UUID.randomUUID());
        return csv ? CsvRows.answer(success(result, false), result) : success(result);
    }

    private static JsonNode parse(String request) {
        try {
            JsonNode root = JSON.readTree(request);
            if (root == null || !root.isObject()) {
                throw SpeException.invalid("the request must be a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw SpeException.invalid("the request is not JSON");
        }
    }

    /**
     * The JSON answer with the rows: {@code {"ok":true,"columns":[{"name","type"}],"rows":[[…]],"truncated":b}}
     * (also what a workspace's driver JVM answers to its {@code sql} op).
     */
    public static String success(SqlResult result) {
        return success(result, true);
    }

    /** The JSON answer; without rows it is the header line of the CSV encoding. */
    static String success(SqlResult result, boolean withRows) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", true);
        ArrayNode columns = answer.putArray("columns");
        for (SqlColumn column : result.columns()) {
            columns.addObject().put("name", column.name()).put("type", column.type());
        }
        if (!withRows) {
            answer.put("encoding", "csv");
            answer.put("rowCount", result.rows().size());
            answer.put("truncated", result.truncated());
            return answer.toString();
        }
        ArrayNode rows = answer.putArray("rows");
        for (List<Object> row : result.rows()) {
            ArrayNode values = rows.addArray();
            for (Object value : row) {
                if (value == null) {
                    values.addNull();
                } else if (value instanceof Boolean b) {
                    values.add(b);
                } else if (value instanceof Integer i) {
                    values.add(i);
                } else if (value instanceof Long l) {
                    values.add(l);
                } else if (value instanceof Double d) {
                    values.add(d);
                } else if (value instanceof BigDecimal decimal) {
                    values.add(decimal);
                } else {
                    values.add(value.toString());
                }
            }
        }
        answer.put("truncated", result.truncated());
        return answer.toString();
    }

    /** A JSON error answer. */
    public static String error(ErrorCategory category, String message) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", false);
        answer.put("error", message);
        answer.put("category", category.name());
        return answer.toString();
    }
}
