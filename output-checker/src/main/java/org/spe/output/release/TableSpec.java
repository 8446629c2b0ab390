package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.spe.output.sdc.Aggregation;

/**
 * How to build the table of a {@link OutputKind#MICRODATA_TABLE} file: the offline spec of
 * {@code docs/sdc-report.md} without {@code csv} (the file itself) and without {@code profile}
 * (always the permit's SDC profile, never the researcher's choice).
 *
 * @param rows row variables, at least one
 * @param columns column variables, possibly none
 * @param value the value column; required for every aggregation but count
 * @param aggregation the statistic
 * @param personId the person column; empty when each row is one person
 * @param facility the facility column, if any
 * @param margins whether to add margins ("All")
 * @param suppress whether to mitigate (suppress, or redact and round) before release
 */
public record TableSpec(
        List<String> rows,
        List<String> columns,
        Optional<String> value,
        Aggregation aggregation,
        Optional<String> personId,
        Optional<String> facility,
        boolean margins,
        boolean suppress) {
    public TableSpec {
        rows = List.copyOf(requireNonNull(rows, "rows is null"));
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(value, "value is null");
        requireNonNull(aggregation, "aggregation is null");
        requireNonNull(personId, "personId is null");
        requireNonNull(facility, "facility is null");
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("rows must name at least one column");
        }
        if (aggregation.magnitude() && value.isEmpty()) {
            throw new IllegalArgumentException("aggregation " + aggregation.id() + " needs a value column");
        }
        List<String> all = new ArrayList<>(rows);
        all.addAll(columns);
        Set<String> seen = new HashSet<>();
        for (String column : all) {
            if (!seen.add(column)) {
                throw new IllegalArgumentException("column '" + column + "' is named twice in rows/columns");
            }
        }
    }

    /** A count of persons by the row variables, each row one person. */
    public static TableSpec count(List<String> rows, List<String> columns) {
        return new TableSpec(rows, columns, Optional.empty(), Aggregation.COUNT, Optional.empty(), Optional.empty(), false, false);
    }
}
