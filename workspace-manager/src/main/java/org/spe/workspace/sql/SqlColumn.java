package org.spe.workspace.sql;

import static java.util.Objects.requireNonNull;

/**
 * One column of a {@link SqlResult}.
 *
 * @param name the column name as Spark reports it
 * @param type Spark's SQL type name ({@code int}, {@code bigint}, {@code string}, {@code date},
 *     {@code decimal(10,2)}, …)
 */
public record SqlColumn(String name, String type) {
    public SqlColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
