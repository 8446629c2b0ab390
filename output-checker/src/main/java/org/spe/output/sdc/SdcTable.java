package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A frequency or magnitude table with the evidence of every cell, margins included when the table
 * has them. Any number of row and column variables; a table without column variables is
 * one-dimensional in the sense that its cells have an empty column key.
 *
 * <p>Margins, when present, are the cells whose row key or column key (or both) is all
 * {@link CellKey#ALL}: the row margin (row, All) totals the row, the column margin (All, column)
 * totals the column, and (All, All) is the grand total. Cells are kept in {@link CellKey} order.
 *
 * @param name the output's name, used in results
 * @param aggregation the statistic the cells show
 * @param rowVariables names of the row variables
 * @param columnVariables names of the column variables, possibly none
 * @param cells the cells; keys unique and matching the variables in size
 */
public record SdcTable(
        String name,
        Aggregation aggregation,
        List<String> rowVariables,
        List<String> columnVariables,
        List<TableCell> cells) {

    public SdcTable {
        requireNonNull(name, "name is null");
        requireNonNull(aggregation, "aggregation is null");
        rowVariables = List.copyOf(requireNonNull(rowVariables, "rowVariables is null"));
        columnVariables = List.copyOf(requireNonNull(columnVariables, "columnVariables is null"));
        List<TableCell> sorted = new ArrayList<>(requireNonNull(cells, "cells is null"));
        sorted.sort((a, b) -> a.key().compareTo(b.key()));
        cells = List.copyOf(sorted);
        Set<CellKey> seen = new HashSet<>();
        for (TableCell cell : cells) {
            if (cell.key().row().size() != rowVariables.size()
                    || cell.key().column().size() != columnVariables.size()) {
                throw new IllegalArgumentException("cell " + cell.key() + " does not match the table's variables");
            }
            if (!seen.add(cell.key())) {
                throw new IllegalArgumentException("duplicate cell " + cell.key());
            }
        }
    }

    /** The cells by key, in order. */
    public Map<CellKey, TableCell> cellsByKey() {
        Map<CellKey, TableCell> byKey = new LinkedHashMap<>();
        cells.forEach(cell -> byKey.put(cell.key(), cell));
        return byKey;
    }

    /**
     * The additive structure the margins give an attacker: each margin present equals the sum of
     * the cells it totals (or, for distinct-person counts where persons fall in several cells, lies
     * between their maximum and their sum). Empty when the table has no margins.
     */
    public List<LinearRelation> marginRelations() {
        Map<CellKey, TableCell> byKey = cellsByKey();
        // one map per direction: the grand total is both the sum over rows and over columns
        Map<CellKey, List<CellKey>> overRows = new LinkedHashMap<>();
        Map<CellKey, List<CellKey>> overColumns = new LinkedHashMap<>();
        List<String> allRow = rowVariables.stream().map(v -> CellKey.ALL).toList();
        List<String> allColumn = columnVariables.stream().map(v -> CellKey.ALL).toList();
        boolean hasColumns = !columnVariables.isEmpty();
        for (TableCell cell : cells) {
            CellKey key = cell.key();
            if (!key.rowMargin()) {
                // contributes to its column's total over rows
                CellKey total = new CellKey(allRow, key.column(), true, key.columnMargin());
                overRows.computeIfAbsent(total, k -> new ArrayList<>()).add(key);
            }
            if (hasColumns && !key.columnMargin()) {
                CellKey total = new CellKey(key.row(), allColumn, key.rowMargin(), true);
                overColumns.computeIfAbsent(total, k -> new ArrayList<>()).add(key);
            }
        }
        List<LinearRelation> relations = new ArrayList<>();
        for (Map<CellKey, List<CellKey>> direction : List.of(overRows, overColumns)) {
            direction.forEach((total, parts) -> {
                if (byKey.containsKey(total)) {
                    relations.add(new LinearRelation(total, parts, isExact(byKey, total, parts)));
                }
            });
        }
        return List.copyOf(relations);
    }

    private boolean isExact(Map<CellKey, TableCell> byKey, CellKey total, List<CellKey> parts) {
        if (!aggregation.additive()) {
            return false;
        }
        double totalValue = byKey.get(total).evidence().statistic(aggregation).orElse(0);
        double sum = 0;
        for (CellKey part : parts) {
            sum += byKey.get(part).evidence().statistic(aggregation).orElse(0);
        }
        return Math.abs(totalValue - sum) <= 1e-9 * Math.max(1, Math.abs(totalValue));
    }
}
