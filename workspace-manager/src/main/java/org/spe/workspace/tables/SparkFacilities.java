package org.spe.workspace.tables;

import static org.apache.spark.sql.functions.bit_or;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.shiftright;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.roaringbitmap.RoaringBitmap;
import org.spe.output.sdc.CellKey;

/**
 * Distinct facilities per cell and margin, exactly, in two light Spark jobs over the rows: the
 * distinct facilities (a small dictionary, numbered 0, 1, 2, … on the driver), then, with the
 * numbers joined in by a broadcast hash join, each interior cell's bitmap of facility numbers as
 * 64-bit words: a code-generated hash aggregation by (cell, number / 64) of {@code bit_or(1 << number % 64)},
 * so the shuffle carries at most one long per cell and word. The driver ORs the interior bitmaps
 * into the margins: a facility in several cells of a margin counts once there.
 *
 * <p>It replaced counting distinct (cell, facility) pairs per cell and margin, which shuffled one
 * row per pair (millions at ten million rows) once per margin. Spark's {@code bitmap_construct_agg}
 * was tried too: its binary buffer keeps the aggregation off the code-generated hash path, and it
 * took twice as long (docs/benchmarks.md).
 * Blocking; stateless. The dictionary (every distinct facility) is collected to the driver and
 * broadcast, which suits facility codes (hundreds of thousands at most), not an identifier used as
 * a facility; it stays inside the platform.
 */
final class SparkFacilities {
    private static final String NUMBER = "_fid";

    private SparkFacilities() {}

    /**
     * The number of distinct facilities of every interior cell and, when asked, every margin.
     *
     * @param rowsOfCells rows with label columns {@code _r0…}, {@code _c0…} and the facility {@code _f}, never null
     */
    static Map<SparkTableFunction.PartialKey, Long> count(Dataset<Row> rowsOfCells, int rowCount, int columnCount,
            boolean margins) {
        List<Row> distinct = rowsOfCells.select(col("_f")).distinct().collectAsList();
        List<Row> numbered = new ArrayList<>(distinct.size());
        for (int i = 0; i < distinct.size(); i++) {
            numbered.add(RowFactory.create(distinct.get(i).getString(0), i));
        }
        StructType schema = new StructType().add("_f", DataTypes.StringType, false).add(NUMBER, DataTypes.IntegerType, false);
        Dataset<Row> dictionary = rowsOfCells.sparkSession().createDataFrame(numbered, schema);

        List<Column> keys = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            keys.add(col("_r" + i));
        }
        for (int i = 0; i < columnCount; i++) {
            keys.add(col("_c" + i));
        }
        keys.add(shiftright(col(NUMBER), 6).alias("_word"));
        List<Row> words = rowsOfCells.join(broadcast(dictionary), "_f")
                .groupBy(keys.toArray(Column[]::new))
                .agg(bit_or(expr("shiftleft(1L, " + NUMBER + " & 63)")).alias("_bits"))
                .collectAsList();

        Map<SparkTableFunction.PartialKey, RoaringBitmap> sets = new HashMap<>();
        int labels = rowCount + columnCount;
        for (Row row : words) {
            SparkTableFunction.PartialKey key = SparkTableFunction.PartialKey.interior(row, rowCount, columnCount);
            RoaringBitmap set = sets.computeIfAbsent(key, k -> new RoaringBitmap());
            int first = row.getInt(labels) * Long.SIZE;
            for (long bits = row.getLong(labels + 1); bits != 0; bits &= bits - 1) {
                set.add(first + Long.numberOfTrailingZeros(bits));
            }
        }
        Map<SparkTableFunction.PartialKey, Long> counts = new HashMap<>();
        if (margins) {
            unionIntoMargins(sets, rowCount, columnCount);
        }
        sets.forEach((key, set) -> counts.put(key, set.getLongCardinality()));
        return counts;
    }

    /** Adds the row margins, column margins and grand total as unions of the interior cells' sets. */
    private static void unionIntoMargins(Map<SparkTableFunction.PartialKey, RoaringBitmap> sets, int rowCount,
            int columnCount) {
        List<String> allRow = Collections.nCopies(rowCount, CellKey.ALL);
        List<String> allColumn = Collections.nCopies(columnCount, CellKey.ALL);
        boolean hasColumns = columnCount > 0;
        Map<SparkTableFunction.PartialKey, RoaringBitmap> marginSets = new HashMap<>();
        RoaringBitmap grand = new RoaringBitmap();
        sets.forEach((key, set) -> {
            if (hasColumns) {
                marginSets.computeIfAbsent(new SparkTableFunction.PartialKey(key.row(), allColumn, false, true),
                        k -> new RoaringBitmap()).or(set);
                marginSets.computeIfAbsent(new SparkTableFunction.PartialKey(allRow, key.column(), true, false),
                        k -> new RoaringBitmap()).or(set);
            }
            grand.or(set);
        });
        marginSets.put(new SparkTableFunction.PartialKey(allRow, allColumn, true, hasColumns), grand);
        sets.putAll(marginSets);
    }
}
