package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * Compares a new table's cell populations with those of every table already released from the
 * same permit. Two overlapping populations A (new) and B (released) whose difference A∖B or B∖A
 * holds between 1 and N−1 persons let an attacker subtract one released figure from the other and
 * learn about that small group: the pair is flagged as {@link SdcRule#DIFFERENCING}.
 *
 * <p>Persons are ints from the platform's per-permit pseudonym dictionary, as
 * {@link RoaringBitmap}s. The bitmaps given are not modified. Stateless and thread-safe.
 */
public final class DifferencingCheck {
    private final int threshold;

    /** @param threshold N of the profile; differences of 1..N−1 persons are flagged */
    public DifferencingCheck(int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1: " + threshold);
        }
        this.threshold = threshold;
    }

    /**
     * The cell populations of one output.
     *
     * @param output the output's name
     * @param cells each cell's persons
     */
    public record Populations(String output, Map<CellKey, RoaringBitmap> cells) {
        public Populations {
            requireNonNull(output, "output is null");
            cells = Map.copyOf(requireNonNull(cells, "cells is null"));
        }
    }

    /**
     * One flagged pair.
     *
     * @param newOutput the new output's name
     * @param newCell the cell in it
     * @param releasedOutput the released output's name
     * @param releasedCell the cell in that one
     * @param onlyInNew persons in the new cell but not the released one
     * @param onlyInReleased persons in the released cell but not the new one
     */
    public record Finding(
            String newOutput, CellKey newCell, String releasedOutput, CellKey releasedCell,
            long onlyInNew, long onlyInReleased) {
        public Finding {
            requireNonNull(newOutput, "newOutput is null");
            requireNonNull(newCell, "newCell is null");
            requireNonNull(releasedOutput, "releasedOutput is null");
            requireNonNull(releasedCell, "releasedCell is null");
        }

        /** The breach as reported on the new output, naming both outputs. */
        public RuleBreach toBreach() {
            return new RuleBreach(SdcRule.DIFFERENCING, CheckStatus.FAIL,
                    "cell " + newCell.row() + "/" + newCell.column() + " of " + newOutput + " differs from cell "
                            + releasedCell.row() + "/" + releasedCell.column() + " of released " + releasedOutput
                            + " by " + onlyInNew + " + " + onlyInReleased + " persons",
                    Map.of("onlyInNew", (double) onlyInNew, "onlyInReleased", (double) onlyInReleased));
        }
    }

    /** Every flagged pair of (new cell, released cell), new cells in key order. */
    public List<Finding> check(Populations newTable, List<Populations> released) {
        requireNonNull(newTable, "newTable is null");
        requireNonNull(released, "released is null");
        List<Finding> findings = new ArrayList<>();
        List<Map.Entry<CellKey, RoaringBitmap>> newCells = newTable.cells().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .toList();
        for (Map.Entry<CellKey, RoaringBitmap> newCell : newCells) {
            RoaringBitmap a = newCell.getValue();
            for (Populations old : released) {
                old.cells().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(oldCell -> {
                    RoaringBitmap b = oldCell.getValue();
                    long common = RoaringBitmap.andCardinality(a, b);
                    if (common == 0) {
                        return;
                    }
                    long onlyInNew = a.getLongCardinality() - common;
                    long onlyInReleased = b.getLongCardinality() - common;
                    if (small(onlyInNew) || small(onlyInReleased)) {
                        findings.add(new Finding(newTable.output(), newCell.getKey(), old.output(), oldCell.getKey(),
                                onlyInNew, onlyInReleased));
                    }
                });
            }
        }
        return List.copyOf(findings);
    }

    private boolean small(long difference) {
        return difference >= 1 && difference < threshold;
    }
}
