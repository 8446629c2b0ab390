package org.spe.workspace.sql;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * Writes a {@link SqlResult} as an Arrow IPC stream (schema, record batches of at most
 * {@value #BATCH_ROWS} rows, end marker), with
 * arrow-vector directly. Types: {@code boolean} → Bool; {@code tinyint}, {@code smallint},
 * {@code int} → Int32; {@code bigint} → Int64; {@code float}, {@code double} → Float64;
 * {@code decimal(p,s)} → Decimal128(p,s); {@code date} → Date32; {@code timestamp} → Timestamp(µs,
 * UTC); everything else → Utf8 (the value's JSON text form). Stateless; thread-safe.
 */
public final class ArrowEncoding {
    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),(\\d+)\\)");

    private ArrowEncoding() {}

    /** Rows per record batch written by {@link #write}. */
    public static final int BATCH_ROWS = 4096;

    /** The Arrow IPC stream bytes of {@code result}. Blocking only for the in-memory write. */
    public static byte[] toArrowStream(SqlResult result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(result, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code result} to {@code out} as an Arrow IPC stream: the schema (its metadata
     * {@code spe.truncated} says whether rows were left out), then record batches of at most
     * {@link #BATCH_ROWS} rows, then the end marker; a result without rows has the schema and no
     * batch. Closes {@code out}.
     */
    private static void write(SqlResult result, OutputStream out) throws IOException {
        requireNonNull(result, "result is null");
        requireNonNull(out, "out is null");
        List<Field> fields = new ArrayList<>();
        for (SqlColumn column : result.columns()) {
            fields.add(new Field(column.name(), FieldType.nullable(arrowType(column.type())), null));
        }
        try (BufferAllocator allocator = new RootAllocator();
                VectorSchemaRoot root = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(fields,
                        java.util.Map.of("spe.truncated", Boolean.toString(result.truncated()))), allocator);
                ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
            writer.start();
            List<List<Object>> rows = result.rows();
            for (int first = 0; first < rows.size(); first += BATCH_ROWS) {
                int batchRows = Math.min(BATCH_ROWS, rows.size() - first);
                for (int c = 0; c < fields.size(); c++) {
                    FieldVector vector = root.getVector(c);
                    vector.setInitialCapacity(batchRows);
                    vector.allocateNew();
                    for (int r = 0; r < batchRows; r++) {
                        Object value = rows.get(first + r).get(c);
                        if (value == null) {
                            vector.setNull(r);
                        } else {
                            set(vector, r, value);
                        }
                    }
                    vector.setValueCount(batchRows);
                }
                root.setRowCount(batchRows);
                writer.writeBatch();
            }
            writer.end();
        }
    }

    private static ArrowType arrowType(String type) {
        Matcher decimal = DECIMAL.matcher(type);
        if (decimal.matches()) {
            return new ArrowType.Decimal(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)), 128);
        }
        return switch (type) {
            case "boolean" -> ArrowType.Bool.INSTANCE;
            case "tinyint", "smallint", "int" -> new ArrowType.Int(32, true);
            case "bigint" -> new ArrowType.Int(64, true);
            case "float", "double" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "date" -> new ArrowType.Date(DateUnit.DAY);
            case "timestamp" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            default -> ArrowType.Utf8.INSTANCE;
        };
    }

    private static void set(FieldVector vector, int index, Object value) {
        if (vector instanceof BitVector bits) {
            bits.setSafe(index, (Boolean) value ? 1 : 0);
        } else if (vector instanceof IntVector ints) {
            ints.setSafe(index, ((Number) value).intValue());
        } else if (vector instanceof BigIntVector longs) {
            longs.setSafe(index, ((Number) value).longValue());
        } else if (vector instanceof Float8Vector doubles) {
            doubles.setSafe(index, ((Number) value).doubleValue());
        } else if (vector instanceof DecimalVector decimals) {
            decimals.setSafe(index, ((BigDecimal) value).setScale(decimals.getScale()));
        } else if (vector instanceof DateDayVector dates) {
            dates.setSafe(index, (int) LocalDate.parse((String) value).toEpochDay());
        } else if (vector instanceof TimeStampMicroTZVector timestamps) {
            Instant instant = Instant.parse((String) value);
            timestamps.setSafe(index, instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000);
        } else if (vector instanceof VarCharVector text) {
            text.setSafe(index, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IllegalStateException("no writer for " + vector.getClass().getSimpleName());
        }
    }
}
