package org.spe.workspace.sql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.Test;
import org.spe.core.json.Json;

/** {@link ArrowEncoding} and {@link JsonEncoding} on results larger than one batch, and on none. */
class ResultEncodingTest {
    private static final List<SqlColumn> COLUMNS = List.of(new SqlColumn("id", "bigint"), new SqlColumn("label", "string"),
            new SqlColumn("cost", "decimal(10,2)"));

    private static SqlResult rows(int count) {
        List<List<Object>> rows = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            rows.add(java.util.Arrays.asList(i, i % 7 == 0 ? null : "label-" + i, new BigDecimal(i).movePointLeft(2)));
        }
        return new SqlResult(COLUMNS, rows, true);
    }

    @Test
    void arrowSplitsRowsIntoBatchesThatDecodeToTheSameValuesInOrder() throws Exception {
        int count = ArrowEncoding.BATCH_ROWS * 2 + 5;
        byte[] bytes = ArrowEncoding.toArrowStream(rows(count));

        List<Integer> batchSizes = new ArrayList<>();
        long expected = 0;
        try (RootAllocator allocator = new RootAllocator(); ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
            VectorSchemaRoot root = reader.getVectorSchemaRoot();
            while (reader.loadNextBatch()) {
                batchSizes.add(root.getRowCount());
                for (int r = 0; r < root.getRowCount(); r++, expected++) {
                    assertThat(root.getVector("id").getObject(r)).isEqualTo(expected);
                    Object label = root.getVector("label").getObject(r);
                    assertThat(label == null ? null : label.toString()).isEqualTo(expected % 7 == 0 ? null : "label-" + expected);
                    assertThat((BigDecimal) root.getVector("cost").getObject(r)).isEqualByComparingTo(new BigDecimal(expected).movePointLeft(2));
                }
            }
        }
        assertThat(batchSizes).containsExactly(ArrowEncoding.BATCH_ROWS, ArrowEncoding.BATCH_ROWS, 5);
        assertThat(expected).isEqualTo(count);
    }

    @Test
    void anEmptyResultHasItsSchemaAndNoBatch() throws Exception {
        byte[] bytes = ArrowEncoding.toArrowStream(new SqlResult(COLUMNS, List.of(), false));

        try (RootAllocator allocator = new RootAllocator(); ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
            assertThat(reader.getVectorSchemaRoot().getSchema().getFields()).extracting(f -> f.getName()).containsExactly("id", "label", "cost");
            assertThat(reader.loadNextBatch()).isFalse();
        }
    }

    @Test
    void jsonHasColumnsRowsAndTheTruncatedFlag() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoding.write(rows(ArrowEncoding.BATCH_ROWS + 1), out);

        JsonNode json = Json.mapper().readTree(out.toByteArray());
        assertThat(json.fieldNames()).toIterable().containsExactly("columns", "rows", "truncated");
        assertThat(json.get("columns").get(2).get("type").asText()).isEqualTo("decimal(10,2)");
        assertThat(json.get("rows")).hasSize(ArrowEncoding.BATCH_ROWS + 1);
        assertThat(json.get("rows").get(0).get(1).isNull()).isTrue();
        assertThat(json.get("rows").get(8).toString()).isEqualTo("[8,\"label-8\",0.08]");
        assertThat(json.get("truncated").asBoolean()).isTrue();
    }
}
