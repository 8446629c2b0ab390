package org.spe.workspace.tables;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.spe.output.release.TableSpec;
import org.spe.output.sdc.Aggregation;

/**
 * A table asked for from inside a workspace ({@code spe.table(...)} in a notebook): a table of the
 * rows of one read-only SQL query over the workspace's data, written as {@code name} into the
 * workspace's {@code outputs/} together with evidence kept by the platform.
 *
 * @param name the file name under {@code outputs/}: letters, digits, {@code .}, {@code _}, {@code -},
 *     ending in {@code .csv}
 * @param query the SQL query whose rows are aggregated
 * @param spec the table: variables, statistic, person and facility columns, margins, suppression
 */
public record TableQuery(String name, String query, TableSpec spec) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,123}\\.csv");

    /** @throws IllegalArgumentException for a name that is no plain {@code .csv} file name, or a blank query */
    public TableQuery {
        requireNonNull(name, "name is null");
        requireNonNull(query, "query is null");
        requireNonNull(spec, "spec is null");
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("the table's name must be a plain file name of letters, digits, '.', '_' and '-' ending in .csv: "
                    + name);
        }
        if (query.isBlank()) {
            throw new IllegalArgumentException("the query is blank");
        }
    }

    /** The name with {@code .csv} added when it has no such ending. */
    public static String fileName(String name) {
        requireNonNull(name, "name is null");
        return name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv") ? name : name + ".csv";
    }

    /** The request for {@link SparkTableFunction} over the query's rows, under {@code profile}. */
    TableRequest request(org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows, String profile) {
        return new TableRequest(name, new TableRequest.DatasetSource(rows), spec.rows(), spec.columns(), spec.value(),
                spec.aggregation(), spec.personId(), spec.facility(), spec.margins(), profile);
    }

    /** A count table of the query's rows, each row one person; for tests and examples. */
    public static TableQuery count(String name, String query, List<String> rows, List<String> columns, Optional<String> personId) {
        return new TableQuery(name, query, new TableSpec(rows, columns, Optional.empty(), Aggregation.COUNT, personId, Optional.empty(),
                false, false));
    }
}
