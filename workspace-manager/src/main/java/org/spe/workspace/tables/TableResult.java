package org.spe.workspace.tables;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import org.roaringbitmap.RoaringBitmap;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.OutputCheck;
import org.spe.output.sdc.SdcTable;

/**
 * A table made by {@link SparkTableFunction}: the cells with their statistic's evidence, the
 * automatic SDC result of every cell, and, when a pseudonym dictionary was given, the persons
 * behind each cell for later differencing checks.
 *
 * @param table the table with the evidence of every cell, margins included when asked
 * @param check the per-cell rule results under the request's profile
 * @param populations per-cell persons as ints of the permit's {@code PseudonymDictionary}; empty
 *     when no dictionary was given. Never leaves the platform.
 * @param rows source rows read
 */
public record TableResult(
        SdcTable table, OutputCheck check, Optional<Map<CellKey, RoaringBitmap>> populations, long rows) {
    public TableResult {
        requireNonNull(table, "table is null");
        requireNonNull(check, "check is null");
        populations = requireNonNull(populations, "populations is null").map(Map::copyOf);
        if (rows < 0) {
            throw new IllegalArgumentException("rows must not be negative: " + rows);
        }
    }
}
