package org.spe.workspace.sql;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.Test;

/** {@link ArrowEncoding} on results larger than one batch, and on none. */
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
        try (RootAllocator allocator = new RootAllocator(); ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
            assertThat(reader.getVectorSchemaRoot().getSchema().getCustomMetadata()).containsEntry("spe.truncated", "true");
        }
        assertThat(expected).isEqualTo(count);
    }

    @Test
    void anEmptyResultHasItsSchemaAndNoBatch() throws Exception {
        byte[] bytes = ArrowEncoding.toArrowStream(new SqlResult(COLUMNS, List.of(), false));

        try (RootAllocator allocator = new RootAllocator(); ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes), allocator)) {
            assertThat(reader.getVectorSchemaRoot().getSchema().getFields()).extracting(f -> f.getName()).containsExactly("id", "label", "cost");
            assertThat(reader.getVectorSchemaRoot().getSchema().getCustomMetadata()).containsEntry("spe.truncated", "false");
            assertThat(reader.loadNextBatch()).isFalse();
        }
    }
}
