package org.spe.workspace.tables;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.UUID;
import org.spe.output.sdc.PseudonymDictionary;
import org.spe.workspace.sql.SqlLimits;
import org.spe.workspace.sql.SessionWorkspaceSql;

/**
 * {@link WorkspaceTables} over the workspace's {@link SessionWorkspaceSql} (in this JVM): the query is checked like any
 * statement from the workspace (read-only, its own views only), then {@link SparkTableFunction}
 * makes the table from its rows under the same job group and time limit. Thread-safe.
 */
public final class SparkWorkspaceTables implements WorkspaceTables {
    private final SessionWorkspaceSql sql;
    private final SqlLimits limits;

    /**
     * @param sql the workspace's SQL
     * @param limits its time limit applies to the whole table (row caps do not: the table reads every row)
     */
    public SparkWorkspaceTables(SessionWorkspaceSql sql, SqlLimits limits) {
        this.sql = requireNonNull(sql, "sql is null");
        this.limits = requireNonNull(limits, "limits is null");
    }

    @Override
    public TableResult make(TableQuery query, String profile, Optional<PseudonymDictionary> dictionary) {
        requireNonNull(query, "query is null");
        requireNonNull(profile, "profile is null");
        requireNonNull(dictionary, "dictionary is null");
        Optional<PseudonymDictionary> persons = query.spec().personId().isPresent() ? dictionary : Optional.empty();
        return sql.withQuery(query.query(), limits, "table-" + UUID.randomUUID(),
                rows -> SparkTableFunction.make(rows.sparkSession(), query.request(rows, profile), persons));
    }
}
