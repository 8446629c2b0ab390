package org.spe.workspace.sql;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.spe.core.json.Json;

/**
 * Writes a {@link SqlResult} as the JSON people read, row by row onto a stream:
 * {@code {"columns":[{"name":…,"type":…}],"rows":[[…]],"truncated":false}}. Values are written
 * by the platform's {@link Json#mapper()}. Stateless; thread-safe.
 */
public final class JsonEncoding {
    private JsonEncoding() {}

    /**
     * Writes {@code result} to {@code out}, flushing every {@link ArrowEncoding#BATCH_ROWS} rows.
     * Does not close {@code out}.
     *
     * @throws IOException if {@code out} fails
     */
    public static void write(SqlResult result, OutputStream out) throws IOException {
        requireNonNull(result, "result is null");
        requireNonNull(out, "out is null");
        try (JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.writeStartObject();
            json.writeArrayFieldStart("columns");
            for (SqlColumn column : result.columns()) {
                json.writeStartObject();
                json.writeStringField("name", column.name());
                json.writeStringField("type", column.type());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeArrayFieldStart("rows");
            int written = 0;
            for (List<Object> row : result.rows()) {
                json.writeObject(row);
                if (++written % ArrowEncoding.BATCH_ROWS == 0) {
                    json.flush();
                }
            }
            json.writeEndArray();
            json.writeBooleanField("truncated", result.truncated());
            json.writeEndObject();
        }
    }
}
