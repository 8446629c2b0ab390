package org.spe.workspace.tables;

import java.util.Optional;
import org.spe.output.sdc.PseudonymDictionary;

/**
 * Makes tables from a workspace's data with the platform's table function: the table and the
 * evidence of every cell in one Spark job over the true rows. The seam between the control
 * socket ({@code TableControlHandler}) and where the workspace's Spark runs
 * ({@link SparkWorkspaceTables}). Implementations are thread-safe and block while the table is made.
 */
public interface WorkspaceTables {
    /**
     * Makes the table of {@code query} under the SDC profile {@code profile}.
     *
     * @param dictionary the permit's pseudonym dictionary: when given and the table has a person
     *     column, each cell's persons come back as ints of it (for differencing)
     * @throws org.spe.core.SpeException INVALID_INPUT for a refused query or a bad table (unknown
     *     column, non-numeric value, too many cells); LIMIT_EXCEEDED past the time limit
     */
    TableResult make(TableQuery query, String profile, Optional<PseudonymDictionary> dictionary);
}
