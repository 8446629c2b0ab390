package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.roaringbitmap.RoaringBitmap;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.SdcTable;
import org.spe.output.sdc.TableCell;

/**
 * What the platform's table function computed for one table made in a workspace: the table with
 * the risk evidence of every cell (persons, largest per-person contributions, facilities, minimum
 * and maximum, negatives, missing values), the persons behind each cell for differencing, and the
 * SHA-256 of the table CSV it wrote into the workspace's {@code outputs/}. It never leaves the
 * platform: a release request finds it by that SHA-256 and checks the table from it.
 *
 * @param id the evidence's id ({@code tbl-…})
 * @param workspaceId the workspace the table was made in
 * @param permitId the permit of that workspace; populations are comparable within a permit only
 * @param createdBy the user whose code made the table
 * @param relativePath where the table CSV was written under {@code outputs/}
 * @param query the SQL query whose rows the table aggregates
 * @param spec how the table was made (variables, statistic, person and facility columns, margins,
 *     suppression)
 * @param profile the SDC profile in force when it was made (the permit's)
 * @param table the cells with their evidence
 * @param populations each cell's persons as ints of the permit's pseudonym dictionary; every cell of
 *     {@code table} has one, or the map is empty when persons were not kept
 * @param tableSha256 hex SHA-256 of the table CSV written into {@code outputs/}
 * @param createdAt when it was made
 */
public record TableEvidence(
        String id,
        String workspaceId,
        String permitId,
        String createdBy,
        String relativePath,
        String query,
        TableSpec spec,
        String profile,
        SdcTable table,
        Map<CellKey, RoaringBitmap> populations,
        String tableSha256,
        Instant createdAt) {
    private static final Pattern ID = Pattern.compile("tbl-[A-Za-z0-9-]{1,64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public TableEvidence {
        requireNonNull(id, "id is null");
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(createdBy, "createdBy is null");
        requireNonNull(relativePath, "relativePath is null");
        requireNonNull(query, "query is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(table, "table is null");
        populations = Map.copyOf(requireNonNull(populations, "populations is null"));
        requireNonNull(tableSha256, "tableSha256 is null");
        requireNonNull(createdAt, "createdAt is null");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("id must be tbl- and 1-64 of [A-Za-z0-9-]: " + id);
        }
        OutputPaths.check(relativePath);
        if (!SHA256.matcher(tableSha256).matches()) {
            throw new IllegalArgumentException("tableSha256 must be 64 lower-case hex digits");
        }
        if (!populations.isEmpty()) {
            for (TableCell cell : table.cells()) {
                if (!populations.containsKey(cell.key())) {
                    throw new IllegalArgumentException("cell " + cell.key() + " has no population");
                }
            }
            if (populations.size() != table.cells().size()) {
                throw new IllegalArgumentException("populations name cells that are not in the table");
            }
        }
    }

    /** A new evidence id. */
    public static String newId() {
        return "tbl-" + java.util.UUID.randomUUID();
    }
}
