package org.spe.output.sdc;

import java.util.ArrayList;
import java.util.List;

/** Builds evidence and tables for tests through the production {@link EvidenceAccumulator}. */
final class Evidences {
    private Evidences() {}

    /** A count cell of n distinct persons, one row each. */
    static CellEvidence persons(int n) {
        EvidenceAccumulator accumulator = new EvidenceAccumulator(false, false);
        for (int person = 0; person < n; person++) {
            accumulator.addRow(person, 0);
        }
        return accumulator.toEvidence();
    }

    /** A magnitude cell with one row per person carrying that contribution. */
    static CellEvidence contributions(double... perPerson) {
        EvidenceAccumulator accumulator = new EvidenceAccumulator(false, true);
        for (int person = 0; person < perPerson.length; person++) {
            accumulator.addValue(person, 0, perPerson[person]);
        }
        return accumulator.toEvidence();
    }

    /** n persons with contribution 1 each, then the given extra persons. */
    static double[] ones(int n, double... extra) {
        double[] values = new double[n + extra.length];
        java.util.Arrays.fill(values, 0, n, 1.0);
        System.arraycopy(extra, 0, values, n, extra.length);
        return values;
    }

    /**
     * A 2-D count table with margins; counts[r][c] persons in row "r{r}" and column "c{c}", each
     * person in exactly one cell.
     */
    static SdcTable countTable(String name, int[][] counts) {
        List<TableCell> cells = new ArrayList<>();
        int person = 0;
        int rows = counts.length;
        int columns = counts[0].length;
        EvidenceAccumulator grand = new EvidenceAccumulator(false, false);
        EvidenceAccumulator[] columnTotals = new EvidenceAccumulator[columns];
        for (int c = 0; c < columns; c++) {
            columnTotals[c] = new EvidenceAccumulator(false, false);
        }
        for (int r = 0; r < rows; r++) {
            EvidenceAccumulator rowTotal = new EvidenceAccumulator(false, false);
            for (int c = 0; c < columns; c++) {
                EvidenceAccumulator cell = new EvidenceAccumulator(false, false);
                for (int i = 0; i < counts[r][c]; i++) {
                    cell.addRow(person++, 0);
                }
                cells.add(new TableCell(CellKey.of(List.of("r" + r), List.of("c" + c)), cell.toEvidence()));
                rowTotal.merge(cell);
                columnTotals[c].merge(cell);
                grand.merge(cell);
            }
            cells.add(new TableCell(new CellKey(List.of("r" + r), List.of(CellKey.ALL), false, true), rowTotal.toEvidence()));
        }
        for (int c = 0; c < columns; c++) {
            cells.add(new TableCell(new CellKey(List.of(CellKey.ALL), List.of("c" + c), true, false),
                    columnTotals[c].toEvidence()));
        }
        cells.add(new TableCell(new CellKey(List.of(CellKey.ALL), List.of(CellKey.ALL), true, true), grand.toEvidence()));
        return new SdcTable(name, Aggregation.COUNT, List.of("row"), List.of("column"), cells);
    }

    /** A 1-D count table with a total; counts[i] persons with label "b{i}". */
    static SdcTable oneDimensional(String name, int... counts) {
        List<TableCell> cells = new ArrayList<>();
        int person = 0;
        EvidenceAccumulator total = new EvidenceAccumulator(false, false);
        for (int i = 0; i < counts.length; i++) {
            EvidenceAccumulator cell = new EvidenceAccumulator(false, false);
            for (int p = 0; p < counts[i]; p++) {
                cell.addRow(person++, 0);
            }
            cells.add(new TableCell(CellKey.of(List.of("b" + i), List.of()), cell.toEvidence()));
            total.merge(cell);
        }
        cells.add(new TableCell(new CellKey(List.of(CellKey.ALL), List.of(), true, false), total.toEvidence()));
        return new SdcTable(name, Aggregation.COUNT, List.of("bin"), List.of(), cells);
    }

    /** The default profile with some parameters changed. */
    static SdcProfile withK(SdcProfile base, double k) {
        return new SdcProfile(base.name() + "-k", base.threshold(), base.dominanceN(), k, base.pPercent(),
                base.zerosDisclosive(), base.allowMinMax(), base.minFacilities(), base.residualDfMinimum(),
                base.roundingBase(), base.redactionThreshold(), base.protectionLevel());
    }

    static SdcProfile allowingMinMax(SdcProfile base) {
        return new SdcProfile(base.name() + "-minmax", base.threshold(), base.dominanceN(), base.dominanceK(),
                base.pPercent(), base.zerosDisclosive(), true, base.minFacilities(), base.residualDfMinimum(),
                base.roundingBase(), base.redactionThreshold(), base.protectionLevel());
    }

    static SdcProfile zerosAllowed(SdcProfile base) {
        return new SdcProfile(base.name() + "-zeros", base.threshold(), base.dominanceN(), base.dominanceK(),
                base.pPercent(), false, base.allowMinMax(), base.minFacilities(), base.residualDfMinimum(),
                base.roundingBase(), base.redactionThreshold(), base.protectionLevel());
    }
}
