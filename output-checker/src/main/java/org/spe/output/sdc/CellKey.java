package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;
import java.util.List;

/**
 * The position of a cell: its row labels and column labels, as they appear in the data. A margin
 * position has every label of that dimension replaced by {@link #ALL}; {@code rowMargin} and
 * {@code columnMargin} say so, so a data label spelled "All" is never mistaken for a margin.
 */
public record CellKey(List<String> row, List<String> column, boolean rowMargin, boolean columnMargin)
        implements Comparable<CellKey> {
    /** The label of margin positions. */
    public static final String ALL = "All";

    private static final Comparator<List<String>> LABELS = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };
    private static final Comparator<CellKey> ORDER = Comparator.comparing(CellKey::rowMargin)
            .thenComparing(CellKey::row, LABELS)
            .thenComparing(CellKey::columnMargin)
            .thenComparing(CellKey::column, LABELS);

    public CellKey {
        row = List.copyOf(requireNonNull(row, "row is null"));
        column = List.copyOf(requireNonNull(column, "column is null"));
        if (rowMargin && !row.stream().allMatch(ALL::equals)) {
            throw new IllegalArgumentException("a row margin has only 'All' labels: " + row);
        }
        if (columnMargin && !column.stream().allMatch(ALL::equals)) {
            throw new IllegalArgumentException("a column margin has only 'All' labels: " + column);
        }
    }

    /** An interior (non-margin) cell. */
    public static CellKey of(List<String> row, List<String> column) {
        return new CellKey(row, column, false, false);
    }

    /** Whether either dimension is a margin. */
    public boolean margin() {
        return rowMargin || columnMargin;
    }

    /** Stable order: rows then columns by label, margins after the data labels. */
    @Override
    public int compareTo(CellKey other) {
        return ORDER.compare(this, other);
    }
}
