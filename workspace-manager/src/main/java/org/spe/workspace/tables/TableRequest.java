package org.spe.workspace.tables;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.spe.output.sdc.Aggregation;

/**
 * What a researcher asks the table function for: a table of {@code aggregation} over the source's
 * rows, by row and column variables, with the disclosure-risk evidence of each cell.
 *
 * <p>Column names are checked against the source's schema only when the table is made
 * ({@link SparkTableFunction#make}); this record checks what it can without data.
 *
 * @param name the output's name, used in results
 * @param source the microdata: a Spark dataset or a table/view name of the workspace's session
 * @param rows row variables, at least one
 * @param columns column variables, possibly none
 * @param value the value column; required for every aggregation but count, where it is ignored
 * @param aggregation the statistic
 * @param personId the person (pseudonym) column; empty when each row is one person
 * @param facility the facility column, if the profile's facility rule should apply
 * @param margins whether to add margins ("All") computed from the same per-person sums
 * @param profile the SDC profile's name (see {@code SdcProfiles})
 */
public record TableRequest(
        String name,
        Source source,
        List<String> rows,
        List<String> columns,
        Optional<String> value,
        Aggregation aggregation,
        Optional<String> personId,
        Optional<String> facility,
        boolean margins,
        String profile) {

    /** Where the microdata come from. */
    public sealed interface Source permits DatasetSource, TableSource {}

    /** A dataset the caller already holds (for instance a cached DataFrame in a notebook). */
    public record DatasetSource(Dataset<Row> dataset) implements Source {
        public DatasetSource {
            requireNonNull(dataset, "dataset is null");
        }
    }

    /** A table or temporary view of the session, by name. */
    public record TableSource(String table) implements Source {
        public TableSource {
            requireNonNull(table, "table is null");
            if (table.isBlank()) {
                throw new IllegalArgumentException("table name is blank");
            }
        }
    }

    /**
     * @throws IllegalArgumentException for a blank name or profile, no row variable, a variable
     *     named twice, or a magnitude aggregation without a value column
     */
    public TableRequest {
        requireNonNull(name, "name is null");
        requireNonNull(source, "source is null");
        rows = List.copyOf(requireNonNull(rows, "rows is null"));
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(value, "value is null");
        requireNonNull(aggregation, "aggregation is null");
        requireNonNull(personId, "personId is null");
        requireNonNull(facility, "facility is null");
        requireNonNull(profile, "profile is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name is blank");
        }
        if (profile.isBlank()) {
            throw new IllegalArgumentException("profile is blank");
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("rows must name at least one column");
        }
        Set<String> seen = new HashSet<>();
        for (String column : variables(rows, columns)) {
            if (column.isBlank()) {
                throw new IllegalArgumentException("a row or column variable is blank");
            }
            if (!seen.add(column)) {
                throw new IllegalArgumentException("column '" + column + "' is named twice in rows/columns");
            }
        }
        if (aggregation.magnitude() && value.isEmpty()) {
            throw new IllegalArgumentException("aggregation " + aggregation.id() + " needs a value column");
        }
        if (!aggregation.magnitude()) {
            // a count table counts persons; a value column would only add work
            value = Optional.empty();
        }
    }

    /** A count table of a dataset, each row one person, no margins, the default profile; refine with the {@code with*} methods. */
    public static TableRequest count(String name, Dataset<Row> dataset, List<String> rows, List<String> columns) {
        return new TableRequest(name, new DatasetSource(dataset), rows, columns, Optional.empty(), Aggregation.COUNT,
                Optional.empty(), Optional.empty(), false, "default");
    }

    /** This request with another statistic of a value column. */
    public TableRequest withAggregation(Aggregation newAggregation, String valueColumn) {
        return new TableRequest(name, source, rows, columns, Optional.of(valueColumn), newAggregation, personId,
                facility, margins, profile);
    }

    /** This request with a person column. */
    public TableRequest withPersonId(String column) {
        return new TableRequest(name, source, rows, columns, value, aggregation, Optional.of(column), facility,
                margins, profile);
    }

    /** This request with a facility column. */
    public TableRequest withFacility(String column) {
        return new TableRequest(name, source, rows, columns, value, aggregation, personId, Optional.of(column),
                margins, profile);
    }

    /** This request with or without margins. */
    public TableRequest withMargins(boolean withMargins) {
        return new TableRequest(name, source, rows, columns, value, aggregation, personId, facility, withMargins,
                profile);
    }

    /** This request under another SDC profile. */
    public TableRequest withProfile(String profileName) {
        return new TableRequest(name, source, rows, columns, value, aggregation, personId, facility, margins,
                profileName);
    }

    private static List<String> variables(List<String> rows, List<String> columns) {
        List<String> all = new ArrayList<>(rows);
        all.addAll(columns);
        return all;
    }
}
