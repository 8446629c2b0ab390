package org.spe.output.sdc.offline;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;
import org.spe.core.SpeException;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellEvidence;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.EvidenceAccumulator;
import org.spe.output.sdc.SdcTable;
import org.spe.output.sdc.TableCell;

/**
 * Builds an {@link SdcTable} from a microdata CSV in one streaming pass: every combination of the
 * row and column labels seen is a cell (combinations with no rows are empty cells), plus margins
 * when the spec asks. Person and facility identifiers are mapped to ints through dictionaries
 * local to the pass. Not thread-safe; blocking (reads the whole file).
 */
public final class CsvTableBuilder {
    /** The most interior cells a table may have; more usually means an identifier was used as a variable. */
    public static final int MAX_CELLS = 100_000;

    /**
     * The table and each cell's persons (ints of this pass's dictionary, for differencing).
     *
     * @param table the table with evidence
     * @param populations persons behind each cell
     * @param rows data rows read
     */
    public record BuiltTable(SdcTable table, Map<CellKey, RoaringBitmap> populations, long rows) {
        public BuiltTable {
            requireNonNull(table, "table is null");
            populations = Map.copyOf(requireNonNull(populations, "populations is null"));
        }
    }

    private CsvTableBuilder() {}

    /**
     * Reads the spec's CSV and builds its table.
     *
     * @throws SpeException with {@code INVALID_INPUT} naming the line or column for bad input:
     *     ragged rows, invalid UTF-8, columns missing from the header, empty person ids, values
     *     that are not plain decimal numbers ("NaN", "Infinity", hex) or overflow
     */
    public static BuiltTable build(SdcSpec spec) {
        requireNonNull(spec, "spec is null");
        Pass pass = new Pass(spec);
        new CsvRows(spec.csv()).read(pass::header, pass::row);
        return pass.finish();
    }

    private static final class Pass {
        private final SdcSpec spec;
        private final boolean keepValues;
        private final boolean trackFacilities;
        private int[] rowColumns;
        private int[] columnColumns;
        private int valueColumn = -1;
        private int personColumn = -1;
        private int facilityColumn = -1;
        private final Map<Object, Integer> rowKeys = new HashMap<>();
        private final List<List<String>> rowLabels = new ArrayList<>();
        private final Map<Object, Integer> columnKeys = new HashMap<>();
        private final List<List<String>> columnLabels = new ArrayList<>();
        // cells.get(rowKey)[columnKey]; grown as labels appear
        private final List<EvidenceAccumulator[]> cells = new ArrayList<>();
        private final IdDictionary persons = new IdDictionary();
        private final IdDictionary facilities = new IdDictionary();
        private long rows;
        private final String fileName;
        private String lastPersonId;
        // consecutive rows often share labels: compare with the last row before hashing
        private String[] lastRowFields;
        private String[] lastColumnFields;
        private int lastRowKey;
        private int lastColumnKey;
        private int lastPerson;

        Pass(SdcSpec spec) {
            this.spec = spec;
            this.keepValues = spec.aggregation() == Aggregation.MEDIAN;
            this.trackFacilities = spec.facility().isPresent();
            this.fileName = spec.csv().getFileName().toString();
        }

        void header(List<String> header) {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                if (index.put(header.get(i), i) != null) {
                    throw SpeException.invalid("CSV %s line 1: column '%s' appears twice in the header",
                            fileName, header.get(i));
                }
            }
            rowColumns = indexes(spec.rows(), index, "rows");
            columnColumns = indexes(spec.columns(), index, "columns");
            spec.value().ifPresent(v -> valueColumn = indexes(List.of(v), index, "value")[0]);
            spec.personId().ifPresent(p -> personColumn = indexes(List.of(p), index, "personId")[0]);
            spec.facility().ifPresent(f -> facilityColumn = indexes(List.of(f), index, "facility")[0]);
            lastRowFields = new String[rowColumns.length];
            lastColumnFields = new String[columnColumns.length];
        }

        private int[] indexes(List<String> names, Map<String, Integer> index, String field) {
            int[] result = new int[names.size()];
            for (int i = 0; i < names.size(); i++) {
                Integer column = index.get(names.get(i));
                if (column == null) {
                    throw SpeException.invalid("spec field '%s' names column '%s', which is not in the header of %s",
                            field, names.get(i), fileName);
                }
                result[i] = column;
            }
            return result;
        }

        void row(String[] fields, long line) {
            if (rows == 0 || !sameLabels(fields, rowColumns, lastRowFields)) {
                lastRowKey = key(fields, rowColumns, rowKeys, rowLabels);
                remember(fields, rowColumns, lastRowFields);
            }
            if (rows == 0 || !sameLabels(fields, columnColumns, lastColumnFields)) {
                lastColumnKey = key(fields, columnColumns, columnKeys, columnLabels);
                remember(fields, columnColumns, lastColumnFields);
            }
            int rowKey = lastRowKey;
            int columnKey = lastColumnKey;
            int person;
            if (personColumn < 0) {
                person = Math.toIntExact(rows);
            } else {
                String id = fields[personColumn];
                if (id.isEmpty()) {
                    throw SpeException.invalid("CSV %s line %d: person id column '%s' is empty",
                            fileName, line, spec.personId().orElseThrow());
                }
                if (!id.equals(lastPersonId)) {
                    lastPerson = persons.idOf(id);
                    lastPersonId = id;
                }
                person = lastPerson;
            }
            int facility = facilityColumn < 0 ? 0 : facilities.idOf(fields[facilityColumn]);
            EvidenceAccumulator cell = cell(rowKey, columnKey);
            if (valueColumn < 0) {
                cell.addRow(person, facility);
            } else {
                String text = fields[valueColumn];
                if (isMissing(text)) {
                    cell.addMissing(person, facility);
                } else {
                    cell.addValue(person, facility, parse(text, line));
                }
            }
            rows++;
        }

        private static boolean sameLabels(String[] fields, int[] columns, String[] last) {
            for (int i = 0; i < columns.length; i++) {
                if (!fields[columns[i]].equals(last[i])) {
                    return false;
                }
            }
            return true;
        }

        private static void remember(String[] fields, int[] columns, String[] last) {
            for (int i = 0; i < columns.length; i++) {
                last[i] = fields[columns[i]];
            }
        }

        private EvidenceAccumulator cell(int rowKey, int columnKey) {
            while (cells.size() <= rowKey) {
                cells.add(new EvidenceAccumulator[Math.max(4, columnLabels.size())]);
            }
            EvidenceAccumulator[] row = cells.get(rowKey);
            if (row.length <= columnKey) {
                row = Arrays.copyOf(row, Math.max(columnKey + 1, row.length * 2));
                cells.set(rowKey, row);
            }
            EvidenceAccumulator cell = row[columnKey];
            if (cell == null) {
                cell = new EvidenceAccumulator(trackFacilities, keepValues);
                row[columnKey] = cell;
            }
            return cell;
        }

        private static int key(String[] fields, int[] columns, Map<Object, Integer> keys, List<List<String>> labels) {
            // one label: the string itself; several: the list of labels (no separator to collide with)
            Object joined;
            if (columns.length == 1) {
                joined = fields[columns[0]];
            } else {
                String[] parts = new String[columns.length];
                for (int i = 0; i < columns.length; i++) {
                    parts[i] = fields[columns[i]];
                }
                joined = List.of(parts);
            }
            Integer known = keys.get(joined);
            if (known != null) {
                return known;
            }
            List<String> label = new ArrayList<>(columns.length);
            for (int column : columns) {
                label.add(fields[column]);
            }
            int next = labels.size();
            keys.put(joined, next);
            labels.add(List.copyOf(label));
            return next;
        }

        private static boolean isMissing(String text) {
            return text.isEmpty() || text.equals("NA") || text.equals("NULL") || text.equals("null");
        }

        private double parse(String text, long line) {
            // fast path: plain integers of up to 15 digits are exact as doubles
            int length = text.length();
            if (length > 0 && length <= 15) {
                long integer = 0;
                int start = text.charAt(0) == '-' ? 1 : 0;
                boolean plain = start < length;
                for (int i = start; i < length && plain; i++) {
                    char c = text.charAt(i);
                    plain = c >= '0' && c <= '9';
                    integer = integer * 10 + (c - '0');
                }
                if (plain) {
                    return start == 1 ? -integer : integer;
                }
            }
            String trimmed = text.strip();
            boolean digit = false;
            for (int i = 0; i < trimmed.length(); i++) {
                char c = trimmed.charAt(i);
                if (c >= '0' && c <= '9') {
                    digit = true;
                } else if (c != '.' && c != '-' && c != '+' && c != 'e' && c != 'E') {
                    digit = false;
                    break;
                }
            }
            double value;
            try {
                value = digit ? Double.parseDouble(trimmed) : Double.NaN;
            } catch (NumberFormatException e) {
                value = Double.NaN;
            }
            if (Double.isNaN(value)) {
                throw SpeException.invalid("CSV %s line %d: column '%s' is not a decimal number "
                        + "(use an empty field, NA or NULL for a missing value)", fileName, line, spec.value().orElseThrow());
            }
            if (Double.isInfinite(value)) {
                throw SpeException.invalid("CSV %s line %d: column '%s' overflows a 64-bit floating-point number",
                        fileName, line, spec.value().orElseThrow());
            }
            return value;
        }

        BuiltTable finish() {
            if (columnLabels.isEmpty() && spec.columns().isEmpty()) {
                columnKeys.put(List.of(), 0);
                columnLabels.add(List.of());
            }
            long interior = (long) rowLabels.size() * columnLabels.size();
            if (interior > MAX_CELLS) {
                throw SpeException.invalid("table of %s would have %d cells (%d row labels × %d column labels), more than %d; "
                        + "is a row or column variable an identifier?", fileName, interior, rowLabels.size(),
                        columnLabels.size(), MAX_CELLS);
            }
            List<TableCell> tableCells = new ArrayList<>();
            Map<CellKey, RoaringBitmap> populations = new LinkedHashMap<>();
            List<String> allRow = spec.rows().stream().map(r -> CellKey.ALL).toList();
            List<String> allColumn = spec.columns().stream().map(c -> CellKey.ALL).toList();
            boolean hasColumns = !spec.columns().isEmpty();
            EvidenceAccumulator grand = new EvidenceAccumulator(trackFacilities, keepValues);
            List<EvidenceAccumulator> columnTotals = new ArrayList<>();
            for (int c = 0; c < columnLabels.size(); c++) {
                columnTotals.add(new EvidenceAccumulator(trackFacilities, keepValues));
            }
            for (int r = 0; r < rowLabels.size(); r++) {
                EvidenceAccumulator rowTotal = new EvidenceAccumulator(trackFacilities, keepValues);
                for (int c = 0; c < columnLabels.size(); c++) {
                    EvidenceAccumulator[] row = r < cells.size() ? cells.get(r) : new EvidenceAccumulator[0];
                    EvidenceAccumulator cell = c < row.length ? row[c] : null;
                    if (cell == null) {
                        cell = new EvidenceAccumulator(trackFacilities, keepValues);
                    }
                    add(tableCells, populations, CellKey.of(rowLabels.get(r), columnLabels.get(c)), cell);
                    if (spec.margins()) {
                        rowTotal.merge(cell);
                        columnTotals.get(c).merge(cell);
                        grand.merge(cell);
                    }
                }
                if (spec.margins() && hasColumns) {
                    add(tableCells, populations, new CellKey(rowLabels.get(r), allColumn, false, true), rowTotal);
                }
            }
            if (spec.margins()) {
                for (int c = 0; c < columnLabels.size() && hasColumns; c++) {
                    add(tableCells, populations, new CellKey(allRow, columnLabels.get(c), true, false), columnTotals.get(c));
                }
                add(tableCells, populations, new CellKey(allRow, allColumn, true, hasColumns), grand);
            }
            String name = spec.csv().getFileName().toString();
            SdcTable table = new SdcTable(name, spec.aggregation(), spec.rows(), spec.columns(), tableCells);
            return new BuiltTable(table, populations, rows);
        }

        private static void add(
                List<TableCell> tableCells, Map<CellKey, RoaringBitmap> populations, CellKey key,
                EvidenceAccumulator accumulator) {
            CellEvidence evidence;
            try {
                evidence = accumulator.toEvidence();
            } catch (IllegalArgumentException e) {
                throw SpeException.invalid("cell %s/%s: %s (values too large to add up)", key.row(), key.column(), e.getMessage());
            }
            tableCells.add(new TableCell(key, evidence));
            populations.put(key, accumulator.persons());
        }
    }
}
