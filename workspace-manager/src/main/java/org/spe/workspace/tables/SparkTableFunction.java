package org.spe.workspace.tables;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.var_pop;
import static org.apache.spark.sql.functions.when;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.SpeException;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellEvidence;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.OutputCheck;
import org.spe.output.sdc.PseudonymDictionary;
import org.spe.output.sdc.SdcProfile;
import org.spe.output.sdc.SdcProfiles;
import org.spe.output.sdc.SdcTable;
import org.spe.output.sdc.TableCell;
import org.spe.output.sdc.TableChecker;
import org.spe.output.sdc.offline.CsvTableBuilder;

/**
 * The workspace's table function: makes a table and the disclosure-risk evidence of every cell in
 * one Spark job over the true microdata (two light ones more for distinct facilities, when asked),
 * then runs the SDC rules on it.
 *
 * <p>How: a Spark aggregation groups the source's rows by (cell labels, person) into per-person
 * sums (rows, values, sum, variance, minimum, maximum, negatives and, for the median, the values).
 * Those per-person rows are partitioned by person, so all of a person's rows are in
 * one partition, and each partition folds them into per-cell partials; a person's margin
 * contribution is the merge of their cells in that margin, so a person in several cells of a margin
 * counts once there. The partials of different partitions hold different persons and are merged
 * exactly on the driver. Nothing is approximate: persons are counted by their pseudonym, not a hash.
 * Distinct facilities, when asked, come from per-cell bitmaps of facility numbers built by Spark
 * ({@link SparkFacilities}; a set per person would need Spark's slow object aggregation).
 *
 * <p>The result equals the offline checker's ({@code SdcOfflineChecker}) for the same rows, up to
 * floating-point rounding of sums and variances. Labels are the string form of the row and column
 * values, a null label is the empty string (as in a CSV); a null value is missing.
 *
 * <p>Blocking (runs Spark jobs); thread-safe (no state). Logs sizes and timings, never data.
 */
public final class SparkTableFunction {
    private static final Logger LOG = LoggerFactory.getLogger(SparkTableFunction.class);
    private static final String PERSON = "_p";

    private SparkTableFunction() {}

    /**
     * Makes the table without populations.
     *
     * @throws SpeException with {@code INVALID_INPUT} for an unknown table, a column not in the
     *     source, a value column that is not numeric, NaN or infinite values, null person IDs, an
     *     unknown profile or a table of more than {@link CsvTableBuilder#MAX_CELLS} cells
     */
    public static TableResult make(SparkSession spark, TableRequest request) {
        return make(spark, request, Optional.empty());
    }

    /**
     * Makes the table and, when a dictionary is given, each cell's persons as ints of that
     * dictionary (the permit's, so populations of different tables can be compared); this collects
     * the distinct (cell, person) pairs to the driver and so costs more than the table itself.
     *
     * @throws SpeException as {@link #make(SparkSession, TableRequest)}
     */
    public static TableResult make(SparkSession spark, TableRequest request, Optional<PseudonymDictionary> dictionary) {
        return make(spark, request, dictionary, Path.FOLD);
    }

    /**
     * Which way the evidence is computed. FOLD is the default: on the 2-core development machine it
     * was faster than AGGREGATED in the same benchmark run (docs/benchmarks.md).
     */
    enum Path {
        /** Per-person rows folded into per-cell partials partition by partition; every statistic and profile. */
        FOLD,
        /**
         * Spark's own aggregations ({@link SparkEvidence}), keeping the two largest contributions;
         * where it does not apply (medians, dominance over more than two persons) the fold runs.
         */
        AGGREGATED
    }

    /** {@link #make(SparkSession, TableRequest, Optional)} along a chosen path (the benchmark compares them). */
    static TableResult make(SparkSession spark, TableRequest request, Optional<PseudonymDictionary> dictionary, Path path) {
        requireNonNull(spark, "spark is null");
        requireNonNull(request, "request is null");
        requireNonNull(dictionary, "dictionary is null");
        long started = System.nanoTime();
        SdcProfile profile = SdcProfiles.named(request.profile());
        Dataset<Row> source = resolve(spark, request.source());
        validate(source.schema(), request);

        boolean hasValue = request.value().isPresent();
        boolean trackFacilities = request.facility().isPresent();
        boolean keepValues = request.aggregation() == Aggregation.MEDIAN;
        int rowCount = request.rows().size();
        int columnCount = request.columns().size();

        List<Column> keys = new ArrayList<>();
        List<Column> projected = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            projected.add(label(request.rows().get(i)).alias("_r" + i));
            keys.add(col("_r" + i));
        }
        for (int i = 0; i < columnCount; i++) {
            projected.add(label(request.columns().get(i)).alias("_c" + i));
            keys.add(col("_c" + i));
        }
        projected.add(request.personId().map(p -> column(p).cast("string")).orElse(monotonically_increasing_id().cast("string"))
                .alias(PERSON));
        keys.add(col(PERSON));
        projected.add(hasValue ? column(request.value().orElseThrow()).cast("double").alias("_v") : lit(null).cast("double").alias("_v"));
        if (trackFacilities) {
            projected.add(coalesce(column(request.facility().orElseThrow()).cast("string"), lit("")).alias("_f"));
        }
        Column v = col("_v");
        Column nonFinite = v.isNaN().or(v.equalTo(Double.POSITIVE_INFINITY)).or(v.equalTo(Double.NEGATIVE_INFINITY));
        List<Column> aggregates = new ArrayList<>(List.of(
                count(lit(1)).alias("_n"),
                count(v).alias("_vn"),
                coalesce(sum(v), lit(0.0)).alias("_sum"),
                coalesce(var_pop(v).multiply(count(v)), lit(0.0)).alias("_m2"),
                min(v).alias("_min"),
                max(v).alias("_max"),
                sum(when(v.lt(0), 1).otherwise(0)).alias("_neg"),
                sum(when(nonFinite, 1).otherwise(0)).alias("_bad")));
        if (keepValues) {
            aggregates.add(collect_list(v).alias("_vals"));
        }
        Dataset<Row> rowsOfCells = source.select(projected.toArray(Column[]::new));
        Dataset<Row> grouped = rowsOfCells
                .groupBy(keys.toArray(Column[]::new))
                .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
        // the dictionary pass reads the per-person rows a second time: keep them rather than recompute
        Dataset<Row> perPerson = dictionary.isPresent() ? grouped.persist(StorageLevel.MEMORY_AND_DISK()) : grouped;
        try {
            if (path == Path.AGGREGATED && !keepValues && profile.dominanceN() <= 2) {
                return aggregated(request, profile, dictionary, perPerson, rowsOfCells, started);
            }
            Dataset<Row> byPerson = request.margins()
                    ? perPerson.repartition(col(PERSON)).sortWithinPartitions(col(PERSON))
                    : perPerson;
            List<PartitionCells> parts = byPerson.javaRDD()
                    .mapPartitions(new FoldPartition(rowCount, columnCount, request.margins(), keepValues, hasValue))
                    .collect();
            PartitionCells all = new PartitionCells();
            parts.forEach(all::merge);
            if (all.nullPersons > 0) {
                throw SpeException.invalid("person id column '%s' is null in %d rows",
                        request.personId().orElseThrow(), all.nullPersons);
            }
            if (all.nonFinite > 0) {
                throw SpeException.invalid("value column '%s' holds %d NaN or infinite values; use null for a missing value",
                        request.value().orElseThrow(), all.nonFinite);
            }
            long folded = System.nanoTime();
            Map<PartialKey, Long> facilities = trackFacilities
                    ? SparkFacilities.count(rowsOfCells, rowCount, columnCount, request.margins())
                    : Map.of();
            long counted = System.nanoTime();
            Built built = assemble(request, all.cells.keySet(), key -> evidence(request, all, key, trackFacilities, facilities));
            OutputCheck check = TableChecker.check(built.table, profile);
            Optional<Map<CellKey, RoaringBitmap>> populations = dictionary.map(d -> populations(
                    perPerson, rowCount, columnCount, request, built.table, d));
            LOG.info("table {} made: {} cells, {} rows, {} partitions, {} ms (per-person sums and fold {} ms, facilities {} ms, "
                    + "rules and populations {} ms)", request.name(), built.table.cells().size(), built.rows, parts.size(),
                    (System.nanoTime() - started) / 1_000_000, (folded - started) / 1_000_000, (counted - folded) / 1_000_000,
                    (System.nanoTime() - counted) / 1_000_000);
            return new TableResult(built.table, check, populations, built.rows);
        } finally {
            if (dictionary.isPresent()) {
                perPerson.unpersist();
            }
        }
    }

    /**
     * The usual path: evidence from Spark's own aggregations ({@link SparkEvidence}), keeping the two
     * largest contributions per cell (all the shipped profiles' dominance rules look at).
     */
    private static TableResult aggregated(TableRequest request, SdcProfile profile, Optional<PseudonymDictionary> dictionary,
            Dataset<Row> perPerson, Dataset<Row> rowsOfCells, long started) {
        int rowCount = request.rows().size();
        int columnCount = request.columns().size();
        boolean trackFacilities = request.facility().isPresent();
        SparkEvidence.Result found = SparkEvidence.compute(perPerson, rowsOfCells, rowCount, columnCount, request.margins(),
                request.value().isPresent(), trackFacilities);
        if (found.nullPersonRows() > 0) {
            throw SpeException.invalid("person id column '%s' is null in %d rows", request.personId().orElseThrow(), found.nullPersonRows());
        }
        if (found.nonFinite() > 0) {
            throw SpeException.invalid("value column '%s' holds %d NaN or infinite values; use null for a missing value",
                    request.value().orElseThrow(), found.nonFinite());
        }
        Map<PartialKey, CellEvidence> cells = found.cells();
        Built built = assemble(request, cells.keySet(), key -> {
            CellEvidence evidence = cells.get(key);
            return evidence == null ? CellEvidence.empty(trackFacilities) : evidence;
        });
        OutputCheck check = TableChecker.check(built.table, profile);
        Optional<Map<CellKey, RoaringBitmap>> populations = dictionary.map(d -> populations(
                perPerson, rowCount, columnCount, request, built.table, d));
        LOG.info("table {} made: {} cells, {} rows, {} ms", request.name(), built.table.cells().size(), built.rows,
                (System.nanoTime() - started) / 1_000_000);
        return new TableResult(built.table, check, populations, built.rows);
    }

    private static Dataset<Row> resolve(SparkSession spark, TableRequest.Source source) {
        if (source instanceof TableRequest.DatasetSource dataset) {
            return dataset.dataset();
        }
        String name = ((TableRequest.TableSource) source).table();
        if (!spark.catalog().tableExists(name)) {
            throw SpeException.invalid("table or view '%s' does not exist", name);
        }
        return spark.table(name);
    }

    private static void validate(StructType schema, TableRequest request) {
        Map<String, StructField> fields = new HashMap<>();
        for (StructField field : schema.fields()) {
            fields.put(field.name(), field);
        }
        List<String> known = Arrays.stream(schema.fieldNames()).sorted().toList();
        for (String row : request.rows()) {
            require(fields, known, row, "row variable");
        }
        for (String column : request.columns()) {
            require(fields, known, column, "column variable");
        }
        request.personId().ifPresent(p -> require(fields, known, p, "person id column"));
        request.facility().ifPresent(f -> require(fields, known, f, "facility column"));
        request.value().ifPresent(value -> {
            StructField field = require(fields, known, value, "value column");
            if (!(field.dataType() instanceof NumericType)) {
                throw SpeException.invalid("value column '%s' is %s, not a number", value, field.dataType().simpleString());
            }
        });
    }

    private static StructField require(Map<String, StructField> fields, List<String> known, String name, String role) {
        StructField field = fields.get(name);
        if (field == null) {
            throw SpeException.invalid("%s '%s' is not a column of the source; its columns are %s", role, name, known);
        }
        return field;
    }

    private static Column column(String name) {
        // quoted, so names with dots or spaces are taken literally
        return col("`" + name.replace("`", "``") + "`");
    }

    private static Column label(String name) {
        return coalesce(column(name).cast("string"), lit(""));
    }

    private record Built(SdcTable table, long rows) {}

    private static Built assemble(TableRequest request, java.util.Set<PartialKey> found,
            java.util.function.Function<PartialKey, CellEvidence> evidenceOf) {
        Comparator<List<String>> order = SparkTableFunction::compareLabels;
        TreeSet<List<String>> rowLabels = new TreeSet<>(order);
        TreeSet<List<String>> columnLabels = new TreeSet<>(order);
        found.stream().filter(k -> !k.rowMargin && !k.columnMargin).forEach(k -> {
            rowLabels.add(k.row);
            columnLabels.add(k.column);
        });
        if (request.columns().isEmpty()) {
            columnLabels.clear();
            columnLabels.add(List.of());
        }
        long interior = (long) rowLabels.size() * columnLabels.size();
        if (interior > CsvTableBuilder.MAX_CELLS) {
            throw SpeException.invalid("table %s would have %d cells (%d row labels × %d column labels), more than %d; "
                    + "is a row or column variable an identifier?", request.name(), interior, rowLabels.size(),
                    columnLabels.size(), CsvTableBuilder.MAX_CELLS);
        }
        List<String> allRow = request.rows().stream().map(r -> CellKey.ALL).toList();
        List<String> allColumn = request.columns().stream().map(c -> CellKey.ALL).toList();
        boolean hasColumns = !request.columns().isEmpty();
        List<TableCell> cells = new ArrayList<>();
        long rows = 0;
        for (List<String> row : rowLabels) {
            for (List<String> column : columnLabels) {
                CellEvidence evidence = evidenceOf.apply(new PartialKey(row, column, false, false));
                rows += evidence.rows();
                cells.add(new TableCell(CellKey.of(row, column), evidence));
            }
        }
        if (request.margins()) {
            if (hasColumns) {
                for (List<String> row : rowLabels) {
                    PartialKey key = new PartialKey(row, allColumn, false, true);
                    cells.add(new TableCell(key.toCellKey(), evidenceOf.apply(key)));
                }
                for (List<String> column : columnLabels) {
                    PartialKey key = new PartialKey(allRow, column, true, false);
                    cells.add(new TableCell(key.toCellKey(), evidenceOf.apply(key)));
                }
            }
            PartialKey grand = new PartialKey(allRow, allColumn, true, hasColumns);
            cells.add(new TableCell(grand.toCellKey(), evidenceOf.apply(grand)));
        }
        SdcTable table = new SdcTable(request.name(), request.aggregation(), request.rows(), request.columns(), cells);
        return new Built(table, rows);
    }

    private static CellEvidence evidence(TableRequest request, PartitionCells all, PartialKey key, boolean trackFacilities,
            Map<PartialKey, Long> facilities) {
        CellPartial partial = all.cells.get(key);
        if (partial == null) {
            return CellEvidence.empty(trackFacilities);
        }
        try {
            CellEvidence evidence = partial.toEvidence();
            if (!trackFacilities) {
                return evidence;
            }
            return new CellEvidence(evidence.rows(), evidence.persons(), evidence.topContributions(),
                    OptionalLong.of(facilities.getOrDefault(key, 0L)), evidence.valueCount(), evidence.missing(),
                    evidence.negatives(), evidence.sum(), evidence.sumOfSquaredDeviations(), evidence.minimum(),
                    evidence.maximum(), evidence.median());
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("table %s cell %s/%s: %s (values too large to add up)", request.name(), key.row,
                    key.column, e.getMessage());
        }
    }

    private static int compareLabels(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static Map<CellKey, RoaringBitmap> populations(Dataset<Row> perPerson, int rowCount, int columnCount,
            TableRequest request, SdcTable table, PseudonymDictionary dictionary) {
        Map<CellKey, RoaringBitmap> populations = new LinkedHashMap<>();
        table.cells().forEach(cell -> populations.put(cell.key(), new RoaringBitmap()));
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < rowCount; i++) {
            columns.add(col("_r" + i));
        }
        for (int i = 0; i < columnCount; i++) {
            columns.add(col("_c" + i));
        }
        columns.add(col(PERSON));
        List<String> allRow = request.rows().stream().map(r -> CellKey.ALL).toList();
        List<String> allColumn = request.columns().stream().map(c -> CellKey.ALL).toList();
        boolean hasColumns = columnCount > 0;
        Iterator<Row> rows = perPerson.select(columns.toArray(Column[]::new)).toLocalIterator();
        while (rows.hasNext()) {
            Row row = rows.next();
            PartialKey key = PartialKey.interior(row, rowCount, columnCount);
            int person = dictionary.idOf(row.getString(rowCount + columnCount));
            populations.get(key.toCellKey()).add(person);
            if (request.margins()) {
                if (hasColumns) {
                    populations.get(new CellKey(key.row, allColumn, false, true)).add(person);
                    populations.get(new CellKey(allRow, key.column, true, false)).add(person);
                }
                populations.get(new CellKey(allRow, allColumn, true, hasColumns)).add(person);
            }
        }
        return populations;
    }

    /** A cell's position, serializable for Spark (CellKey is not). */
    record PartialKey(List<String> row, List<String> column, boolean rowMargin, boolean columnMargin)
            implements Serializable {
        static PartialKey interior(Row row, int rowCount, int columnCount) {
            return interior(row, 0, rowCount, columnCount);
        }

        /** The labels at {@code offset}: rows, then columns. */
        static PartialKey interior(Row row, int offset, int rowCount, int columnCount) {
            String[] rowLabels = new String[rowCount];
            for (int i = 0; i < rowCount; i++) {
                rowLabels[i] = row.getString(offset + i);
            }
            String[] columnLabels = new String[columnCount];
            for (int i = 0; i < columnCount; i++) {
                columnLabels[i] = row.getString(offset + rowCount + i);
            }
            return new PartialKey(List.of(rowLabels), List.of(columnLabels), false, false);
        }

        CellKey toCellKey() {
            return new CellKey(row, column, rowMargin, columnMargin);
        }
    }

    /** The cells one partition saw, and the bad rows it counted. */
    static final class PartitionCells implements Serializable {
        private static final long serialVersionUID = 1L;
        final Map<PartialKey, CellPartial> cells = new HashMap<>();
        long nullPersons;
        long nonFinite;

        void merge(PartitionCells other) {
            nullPersons += other.nullPersons;
            nonFinite += other.nonFinite;
            other.cells.forEach((key, partial) -> {
                CellPartial mine = cells.get(key);
                if (mine == null) {
                    cells.put(key, partial);
                } else {
                    mine.merge(partial);
                }
            });
        }
    }

    /**
     * Folds one partition of per-person rows, sorted by person when margins are asked, into
     * per-cell partials.
     */
    private static final class FoldPartition implements FlatMapFunction<Iterator<Row>, PartitionCells> {
        private static final long serialVersionUID = 1L;
        private final int rowCount;
        private final int columnCount;
        private final boolean margins;
        private final boolean keepValues;
        private final boolean hasValue;

        FoldPartition(int rowCount, int columnCount, boolean margins, boolean keepValues, boolean hasValue) {
            this.rowCount = rowCount;
            this.columnCount = columnCount;
            this.margins = margins;
            this.keepValues = keepValues;
            this.hasValue = hasValue;
        }

        @Override
        public Iterator<PartitionCells> call(Iterator<Row> rows) {
            PartitionCells result = new PartitionCells();
            List<String> allRow = java.util.Collections.nCopies(rowCount, CellKey.ALL);
            List<String> allColumn = java.util.Collections.nCopies(columnCount, CellKey.ALL);
            List<PartialKey> personKeys = new ArrayList<>();
            List<PersonContribution> personContributions = new ArrayList<>();
            String person = null;
            int base = rowCount + columnCount;
            while (rows.hasNext()) {
                Row row = rows.next();
                String id = row.getString(base);
                if (id == null) {
                    result.nullPersons += row.getLong(base + 1);
                    continue;
                }
                result.nonFinite += row.getLong(base + 8);
                if (margins && !id.equals(person)) {
                    marginsOf(result, personKeys, personContributions, allRow, allColumn);
                    personKeys.clear();
                    personContributions.clear();
                    person = id;
                }
                PartialKey key = PartialKey.interior(row, rowCount, columnCount);
                PersonContribution contribution = contribution(row, base);
                add(result, key, contribution);
                if (margins) {
                    personKeys.add(key);
                    personContributions.add(contribution);
                }
            }
            if (margins) {
                marginsOf(result, personKeys, personContributions, allRow, allColumn);
            }
            return List.of(result).iterator();
        }

        private void marginsOf(PartitionCells result, List<PartialKey> keys, List<PersonContribution> contributions,
                List<String> allRow, List<String> allColumn) {
            if (keys.isEmpty()) {
                return;
            }
            boolean hasColumns = columnCount > 0;
            PartialKey grand = new PartialKey(allRow, allColumn, true, hasColumns);
            if (keys.size() == 1) {
                // the usual case: the person is in one cell, whose contribution is theirs in every margin
                PartialKey key = keys.get(0);
                PersonContribution contribution = contributions.get(0);
                if (hasColumns) {
                    add(result, new PartialKey(key.row(), allColumn, false, true), contribution);
                    add(result, new PartialKey(allRow, key.column(), true, false), contribution);
                }
                add(result, grand, contribution);
                return;
            }
            Map<PartialKey, PersonContribution> merged = new HashMap<>();
            PersonContribution total = new PersonContribution();
            for (int i = 0; i < keys.size(); i++) {
                PartialKey key = keys.get(i);
                PersonContribution contribution = contributions.get(i);
                if (hasColumns) {
                    merged.computeIfAbsent(new PartialKey(key.row(), allColumn, false, true), k -> new PersonContribution())
                            .merge(contribution);
                    merged.computeIfAbsent(new PartialKey(allRow, key.column(), true, false), k -> new PersonContribution())
                            .merge(contribution);
                }
                total.merge(contribution);
            }
            merged.forEach((key, contribution) -> add(result, key, contribution));
            add(result, grand, total);
        }

        private void add(PartitionCells result, PartialKey key, PersonContribution contribution) {
            result.cells.computeIfAbsent(key, k -> new CellPartial(keepValues, hasValue))
                    .addPerson(contribution);
        }

        private PersonContribution contribution(Row row, int base) {
            PersonContribution contribution = new PersonContribution();
            contribution.rows = row.getLong(base + 1);
            contribution.valueCount = row.getLong(base + 2);
            if (contribution.valueCount > 0) {
                contribution.sum = row.getDouble(base + 3);
                contribution.mean = contribution.sum / contribution.valueCount;
                contribution.m2 = row.getDouble(base + 4);
                contribution.minimum = row.getDouble(base + 5);
                contribution.maximum = row.getDouble(base + 6);
                contribution.negatives = row.getLong(base + 7);
            }
            if (keepValues) {
                List<Double> values = row.getList(base + 9);
                contribution.values = values.stream().mapToDouble(Double::doubleValue).toArray();
            }
            return contribution;
        }
    }
}
