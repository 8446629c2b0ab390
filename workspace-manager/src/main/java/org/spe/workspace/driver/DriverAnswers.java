package org.spe.workspace.driver;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.workspace.sql.SqlColumn;
import org.spe.workspace.sql.SqlResult;

/**
 * Reads the answers of a workspace's driver JVM: {@code {"ok":true,…}} or
 * {@code {"ok":false,"error":"…","category":"…"}} (the control-socket format). Stateless and
 * thread-safe.
 */
final class DriverAnswers {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final java.util.regex.Pattern DECIMAL = java.util.regex.Pattern.compile("decimal\\(\\d+,(\\d+)\\)");

    private DriverAnswers() {}

    /**
     * The answer as JSON when it says ok.
     *
     * @throws SpeException with the driver's category and message when it is an error, UNAVAILABLE
     *     when it is empty (the driver exited) or not JSON
     */
    static JsonNode ok(String answer, String workspace) {
        if (answer == null || answer.isBlank()) {
            throw new SpeException(ErrorCategory.UNAVAILABLE, "the Spark driver of " + workspace + " did not answer (it exited)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.UNAVAILABLE, "the Spark driver of " + workspace + " answered something that is not JSON", e);
        }
        if (root.path("ok").asBoolean(false)) {
            return root;
        }
        ErrorCategory category;
        try {
            category = ErrorCategory.valueOf(root.path("category").asText("INTERNAL"));
        } catch (IllegalArgumentException e) {
            category = ErrorCategory.INTERNAL;
        }
        throw new SpeException(category, root.path("error").asText("the Spark driver failed"));
    }

    /**
     * The {@link SqlResult} in an ok answer to {@code sql}. Values get back their Java types from
     * their column's Spark type (bigint → Long, int/smallint/tinyint → Integer, double/float →
     * Double, decimal → BigDecimal, boolean → Boolean, everything else String), so a result read
     * here equals the one the driver made.
     */
    static SqlResult result(JsonNode root) {
        List<SqlColumn> columns = new ArrayList<>();
        for (JsonNode column : root.path("columns")) {
            columns.add(new SqlColumn(column.path("name").asText(), column.path("type").asText()));
        }
        List<List<Object>> rows = new ArrayList<>();
        for (JsonNode row : root.path("rows")) {
            List<Object> values = new ArrayList<>(columns.size());
            for (int i = 0; i < columns.size(); i++) {
                values.add(value(row.get(i), columns.get(i).type()));
            }
            rows.add(values);
        }
        return new SqlResult(columns, rows, root.path("truncated").asBoolean(false));
    }

    static Object value(JsonNode node, String type) {
        requireNonNull(type, "type is null");
        if (node == null || node.isNull()) {
            return null;
        }
        if (type.equals("bigint")) {
            return node.asLong();
        }
        if (type.equals("int") || type.equals("smallint") || type.equals("tinyint")) {
            return node.asInt();
        }
        if (type.equals("double") || type.equals("float")) {
            // NaN and the infinities travel as strings.
            return node.isTextual() ? Double.valueOf(node.asText()) : node.asDouble();
        }
        if (type.startsWith("decimal")) {
            // JSON drops trailing zeros; Spark's decimal type fixes the scale, so it is put back.
            java.util.regex.Matcher scale = DECIMAL.matcher(type);
            return scale.matches() ? node.decimalValue().setScale(Integer.parseInt(scale.group(1))) : node.decimalValue();
        }
        if (type.equals("boolean")) {
            return node.asBoolean();
        }
        return node.isTextual() ? node.asText() : node.toString();
    }
}
