package org.spe.workspace.tables;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.grouping_id;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.spe.output.sdc.CellEvidence;
import org.spe.output.sdc.CellKey;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The evidence of every cell and margin computed by Spark's own (code-generated) aggregations, for
 * statistics that need no list of values and profiles whose dominance rule looks at the two largest
 * contributions. From the per-(cell, person) sums {@code P} that {@link SparkTableFunction} makes:
 *
 * <ol>
 *   <li>{@code Q}: per (cell or margin, person), by grouping sets over {@code P} (interior, row
 *       margin, column margin, grand total, each with the person), so a person in several cells of
 *       a margin is one contribution there — the sum of their cells;
 *   <li>per cell and margin over {@code Q}: persons, rows, values, sum, minimum, maximum,
 *       negatives, the largest contribution and how many persons have a contribution;
 *   <li>the second-largest contribution: {@code Q} joined with each cell's largest (broadcast), the
 *       largest contribution below it and the number of persons tied at it;
 *   <li>distinct facilities: {@link SparkFacilities}.
 * </ol>
 *
 * Σ(x − mean)² of a cell is Σ over its (cell, person) groups of their own Σ(x − meanᵢ)² plus
 * sumᵢ²/nᵢ, minus sum²/n: exact up to floating-point rounding (relative error about
 * 1e-16 × mean²/variance). No user-defined aggregate, no collected lists. Blocking; stateless.
 */
final class SparkEvidence {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkEvidence.class);

    private SparkEvidence() {}

    /** What the aggregations found: evidence per cell and margin, and the bad rows. */
    record Result(Map<SparkTableFunction.PartialKey, CellEvidence> cells, long nullPersonRows, long nonFinite) {}

    /**
     * @param perPerson {@code P}: label columns {@code _r0…}, {@code _c0…}, person {@code _p}, then
     *     {@code _n, _vn, _sum, _m2, _min, _max, _neg, _bad}
     * @param rowsOfCells the rows with label columns and, when facilities are tracked, {@code _f}
     */
    static Result compute(Dataset<Row> perPerson, Dataset<Row> rowsOfCells, int rowCount, int columnCount, boolean margins,
            boolean hasValue, boolean trackFacilities) {
        List<String> rowLabels = new ArrayList<>();
        List<String> columnLabels = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            rowLabels.add("_r" + i);
        }
        for (int i = 0; i < columnCount; i++) {
            columnLabels.add("_c" + i);
        }
        List<String> labels = new ArrayList<>(rowLabels);
        labels.addAll(columnLabels);

        Column vn = col("_vn");
        Dataset<Row> p = perPerson.withColumn("_a",
                coalesce(col("_m2"), lit(0.0)).plus(when(vn.gt(0), col("_sum").multiply(col("_sum")).divide(vn)).otherwise(lit(0.0))));
        Column[] personAggregates = {
            sum(col("_n")).alias("_n"), sum(vn).alias("_vn"), sum(col("_sum")).alias("_sum"), sum(col("_a")).alias("_a"),
            min(col("_min")).alias("_min"), max(col("_max")).alias("_max"), sum(col("_neg")).alias("_neg"), sum(col("_bad")).alias("_bad")
        };
        Dataset<Row> q = null;
        boolean keepQ = true;
        if (margins) {
            p = p.persist(StorageLevel.MEMORY_AND_DISK());
        }
        try {
        long checkStarted = System.nanoTime();
        // Usually each person is in one interior cell: then their contribution to a margin is the same
        // (cell, person) row under the margin's labels, and no second aggregation by person is needed.
        boolean onePerCell = margins && p.count() == p.select(col("_p")).distinct().count();
        long checked = System.nanoTime();
        if (onePerCell) {
            keepQ = false;
            Dataset<Row> union = null;
            int columnBits = (1 << columnCount) - 1;
            int rowBits = ((1 << rowCount) - 1) << columnCount;
            List<List<String>> sets = sets(rowLabels, columnLabels);
            for (List<String> set : sets) {
                int group = (set.containsAll(rowLabels) ? 0 : rowBits) | (set.containsAll(columnLabels) ? 0 : columnBits);
                List<Column> projected = new ArrayList<>();
                for (String label : labels) {
                    projected.add(set.contains(label) ? col(label) : lit("").alias(label));
                }
                for (String other : List.of("_p", "_n", "_vn", "_sum", "_a", "_min", "_max", "_neg", "_bad")) {
                    projected.add(col(other));
                }
                projected.add(lit(group).alias("_g"));
                Dataset<Row> part = p.select(projected.toArray(Column[]::new));
                union = union == null ? part : union.unionAll(part);
            }
            q = union;
        } else if (margins) {
            List<List<String>> sets = sets(rowLabels, columnLabels);
            List<String> personSets = new ArrayList<>(labels);
            personSets.add("_p");
            List<Column> aggregates = new ArrayList<>(List.of(personAggregates));
            // grouping_id names every grouping column; the person's bit (the lowest) is always 0
            aggregates.add(org.apache.spark.sql.functions.shiftright(grouping_id(columns(personSets)), 1).cast("int").alias("_g"));
            q = p.groupingSets(groupingSets(sets, "_p"), columns(personSets))
                    .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
            // a label aggregated away by the grouping set is null; _g tells the sets apart
            List<Column> blanked = new ArrayList<>();
            for (String label : labels) {
                blanked.add(coalesce(col(label), lit("")).alias(label));
            }
            for (String other : List.of("_p", "_n", "_vn", "_sum", "_a", "_min", "_max", "_neg", "_bad", "_g")) {
                blanked.add(col(other));
            }
            q = q.select(blanked.toArray(Column[]::new));
        } else {
            q = p.select(col("*"), lit(0).alias("_g")).drop("_m2");
        }
        q = q.withColumn("_contribution", when(col("_vn").gt(0), col("_sum")));
        if (keepQ) {
            q = q.persist(StorageLevel.MEMORY_AND_DISK());
        }
            List<String> groupColumns = new ArrayList<>(List.of("_g"));
            groupColumns.addAll(labels);
            Column contribution = col("_contribution");
            Dataset<Row> groups = q.groupBy(columns(groupColumns)).agg(
                    count(lit(1)).alias("_persons"),
                    sum(col("_n")).alias("_rows"),
                    sum(col("_vn")).alias("_vn"),
                    sum(col("_sum")).alias("_sum"),
                    sum(col("_a")).alias("_a"),
                    min(col("_min")).alias("_min"),
                    max(col("_max")).alias("_max"),
                    sum(col("_neg")).alias("_neg"),
                    sum(col("_bad")).alias("_bad"),
                    sum(when(col("_p").isNull(), col("_n")).otherwise(lit(0L))).alias("_nullRows"),
                    max(contribution).alias("_top1"),
                    count(contribution).alias("_withValues"));
            long started = System.nanoTime();
            List<Row> groupRows = groups.collectAsList();
            long grouped = System.nanoTime();
            int base = groupColumns.size();
            long nullRows = 0;
            long nonFinite = 0;
            for (Row row : groupRows) {
                if (row.getInt(0) == 0) {
                    nullRows += row.getLong(base + 9);
                    nonFinite += row.getLong(base + 8);
                }
            }
            if (nullRows > 0 || nonFinite > 0) {
                return new Result(Map.of(), nullRows, nonFinite);
            }
            Map<GroupKey, Row> seconds = hasValue ? seconds(q, groupRows, groupColumns) : Map.of();
            long second = System.nanoTime();
            Map<SparkTableFunction.PartialKey, Long> facilities = trackFacilities
                    ? SparkFacilities.count(rowsOfCells, rowCount, columnCount, margins)
                    : Map.of();
            LOG.info("evidence of {} cells and margins: one cell per person {} ({} ms), per-person sums and groups {} ms, "
                    + "second-largest {} ms, facilities {} ms", groupRows.size(), onePerCell, (checked - checkStarted) / 1_000_000,
                    (grouped - started) / 1_000_000, (second - grouped) / 1_000_000, (System.nanoTime() - second) / 1_000_000);

            Map<SparkTableFunction.PartialKey, CellEvidence> cells = new HashMap<>();
            for (Row row : groupRows) {
                GroupKey key = GroupKey.of(row, labels.size());
                SparkTableFunction.PartialKey partial = partialKey(key, rowCount, columnCount);
                try {
                    cells.put(partial, evidence(row, base, key, seconds.get(key), hasValue,
                            trackFacilities ? OptionalLong.of(facilities.getOrDefault(partial, 0L)) : OptionalLong.empty()));
                } catch (IllegalArgumentException e) {
                    throw org.spe.core.SpeException.invalid("cell %s/%s: %s (values too large to add up)", partial.row(), partial.column(),
                            e.getMessage());
                }
            }
            return new Result(cells, 0, 0);
        } finally {
            if (q != null) {
                q.unpersist();
            }
            p.unpersist();
        }
    }

    /** The grouping sets of a table with margins: interior, row margin, column margin (with columns) and grand total. */
    private static List<List<String>> sets(List<String> rowLabels, List<String> columnLabels) {
        List<String> interior = new ArrayList<>(rowLabels);
        interior.addAll(columnLabels);
        List<List<String>> sets = new ArrayList<>();
        sets.add(interior);
        if (!columnLabels.isEmpty()) {
            sets.add(rowLabels);
            sets.add(columnLabels);
        }
        sets.add(List.of());
        return sets;
    }

    private static scala.collection.immutable.Seq<scala.collection.immutable.Seq<Column>> groupingSets(List<List<String>> sets,
            String... extra) {
        List<scala.collection.immutable.Seq<Column>> converted = new ArrayList<>();
        for (List<String> set : sets) {
            List<String> names = new ArrayList<>(set);
            names.addAll(List.of(extra));
            converted.add(CollectionConverters.asScala(List.of(columns(names))).toSeq());
        }
        return CollectionConverters.asScala(converted).toSeq();
    }

    private static Column[] columns(List<String> names) {
        return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }

    /** Per group: the largest contribution below the group's largest, and how many persons tie at the largest. */
    private static Map<GroupKey, Row> seconds(Dataset<Row> q, List<Row> groupRows, List<String> groupColumns) {
        // the largest per group, as a small table next to Q
        Dataset<Row> largest = q.sparkSession().createDataFrame(
                groupRows.stream().map(r -> withTop(r, groupColumns.size())).toList(), topSchema(q, groupColumns));
        Column condition = null;
        for (String column : groupColumns) {
            Column equal = col(column).equalTo(col("_t" + column));
            condition = condition == null ? equal : condition.and(equal);
        }
        List<Column> keys = groupColumns.stream().map(org.apache.spark.sql.functions::col).toList();
        Column contribution = col("_contribution");
        Column top = col("_ttop1");
        Dataset<Row> joined = q.join(broadcast(largest), condition);
        List<Row> rows = joined.groupBy(keys.toArray(Column[]::new))
                .agg(max(when(contribution.lt(top), contribution)).alias("_below"),
                        count(when(contribution.equalTo(top), lit(1))).alias("_ties"))
                .collectAsList();
        Map<GroupKey, Row> seconds = new HashMap<>();
        int labelCount = groupColumns.size() - 1;
        for (Row row : rows) {
            seconds.put(GroupKey.of(row, labelCount), row);
        }
        return seconds;
    }

    private static org.apache.spark.sql.types.StructType topSchema(Dataset<Row> q, List<String> groupColumns) {
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType();
        for (String column : groupColumns) {
            org.apache.spark.sql.types.StructField field = q.schema().apply(column);
            schema = schema.add("_t" + column, field.dataType(), field.nullable());
        }
        return schema.add("_ttop1", org.apache.spark.sql.types.DataTypes.DoubleType, true);
    }

    private static Row withTop(Row groupRow, int groupColumnCount) {
        Object[] values = new Object[groupColumnCount + 1];
        for (int i = 0; i < groupColumnCount; i++) {
            values[i] = groupRow.get(i);
        }
        values[groupColumnCount] = groupRow.get(groupColumnCount + 10);
        return org.apache.spark.sql.RowFactory.create(values);
    }

    private static CellEvidence evidence(Row row, int base, GroupKey key, Row second, boolean hasValue, OptionalLong facilities) {
        long persons = row.getLong(base);
        long rows = row.isNullAt(base + 1) ? 0 : row.getLong(base + 1);
        long valueCount = row.isNullAt(base + 2) ? 0 : row.getLong(base + 2);
        double total = row.isNullAt(base + 3) ? 0 : row.getDouble(base + 3);
        double a = row.isNullAt(base + 4) ? 0 : row.getDouble(base + 4);
        long negatives = row.isNullAt(base + 7) ? 0 : row.getLong(base + 7);
        long withValues = row.getLong(base + 11);
        List<Double> top = new ArrayList<>(2);
        if (withValues >= 1) {
            double largest = row.getDouble(base + 10);
            top.add(largest);
            if (withValues >= 2) {
                boolean tied = second != null && second.getLong(second.length() - 1) >= 2;
                top.add(tied || second == null || second.isNullAt(second.length() - 2) ? largest : second.getDouble(second.length() - 2));
            }
        }
        boolean any = valueCount > 0;
        double squaredDeviations = any ? Math.max(0, a - total * total / valueCount) : 0;
        return new CellEvidence(rows, persons, top, facilities, valueCount, hasValue ? rows - valueCount : 0, negatives, total,
                squaredDeviations, any ? OptionalDouble.of(row.getDouble(base + 5)) : OptionalDouble.empty(),
                any ? OptionalDouble.of(row.getDouble(base + 6)) : OptionalDouble.empty(), OptionalDouble.empty());
    }

    private static SparkTableFunction.PartialKey partialKey(GroupKey key, int rowCount, int columnCount) {
        List<String> row = key.labels().subList(0, rowCount);
        List<String> column = key.labels().subList(rowCount, rowCount + columnCount);
        List<String> allRow = Collections.nCopies(rowCount, CellKey.ALL);
        List<String> allColumn = Collections.nCopies(columnCount, CellKey.ALL);
        int columnBits = (1 << columnCount) - 1;
        int rowBits = ((1 << rowCount) - 1) << columnCount;
        boolean rowsAggregated = rowCount > 0 && (key.group() & rowBits) == rowBits;
        boolean columnsAggregated = columnCount > 0 && (key.group() & columnBits) == columnBits;
        if (key.group() == 0) {
            return new SparkTableFunction.PartialKey(List.copyOf(row), List.copyOf(column), false, false);
        }
        if (rowsAggregated && (columnsAggregated || columnCount == 0)) {
            return new SparkTableFunction.PartialKey(allRow, allColumn, true, columnCount > 0);
        }
        if (columnsAggregated) {
            return new SparkTableFunction.PartialKey(List.copyOf(row), allColumn, false, true);
        }
        return new SparkTableFunction.PartialKey(allRow, List.copyOf(column), true, false);
    }

    /** A group: its grouping id and its labels (blank where aggregated away). */
    record GroupKey(int group, List<String> labels) {
        /** From a row whose first column is the grouping id, then {@code labelCount} labels. */
        static GroupKey of(Row row, int labelCount) {
            String[] labels = new String[labelCount];
            for (int i = 0; i < labelCount; i++) {
                labels[i] = row.getString(1 + i);
            }
            return new GroupKey(row.getInt(0), List.of(labels));
        }
    }
}
