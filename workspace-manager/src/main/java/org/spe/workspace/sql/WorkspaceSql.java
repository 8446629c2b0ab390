package org.spe.workspace.sql;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * SQL for one workspace: read-only queries over the views of its extract, nothing else.
 *
 * <p>Two implementations: {@link SessionWorkspaceSql} runs statements in a session of a Spark
 * application in this JVM (tests, and the platform when no compute pool runs);
 * {@code org.spe.workspace.driver.RemoteWorkspaceSql} sends them to the workspace's own driver JVM,
 * whose Spark application runs on the compute pool with the permit's quota, and which runs the very
 * same {@link SessionWorkspaceSql} checks there.
 *
 * <p>Implementations are thread-safe: several statements may run at once, each under its own job
 * group.
 */
public interface WorkspaceSql extends AutoCloseable {
    /**
     * Opens SQL over a session of {@code spark} in this JVM; see {@link SessionWorkspaceSql#open}.
     */
    static SessionWorkspaceSql open(SparkSession spark, String workspaceId, Path extractDirectory) {
        return SessionWorkspaceSql.open(spark, workspaceId, extractDirectory);
    }

    /** The names of the workspace's tables (views), in extract order. */
    List<String> tables();

    /**
     * Runs one read-only statement and returns its first rows. Blocks until the result is complete,
     * the timeout passes or {@link #cancel} is called with the same job group.
     *
     * <p>Allowed: one query ({@code SELECT}, {@code WITH}, {@code VALUES}), {@code SHOW TABLES},
     * {@code SHOW VIEWS}, {@code SHOW COLUMNS}, {@code DESCRIBE} of a view; everything else is refused
     * before any Spark job starts (see {@link StatementGuard}).
     *
     * @param sql the statement
     * @param limits row, byte and time caps
     * @param jobGroup the caller's name for this execution, for {@link #cancel}; 1-128 of
     *     {@code [A-Za-z0-9_.:-]}; not in use by another running statement of this workspace
     * @throws org.spe.core.SpeException INVALID_INPUT for a refused or malformed statement (or one
     *     Spark cannot analyse); LIMIT_EXCEEDED when the timeout passed; CONFLICT when cancelled, when
     *     the job group is in use or when closed; UNAVAILABLE when Spark (or the workspace's driver)
     *     failed otherwise
     */
    SqlResult execute(String sql, SqlLimits limits, String jobGroup);

    /**
     * Cancels the statement running under {@code jobGroup} in this workspace; its {@link #execute}
     * then throws CONFLICT. A statement whose Spark job had not started yet is cancelled as soon as it
     * does. Answers whether such a statement was running. Non-blocking apart from one local request;
     * thread-safe.
     */
    boolean cancel(String jobGroup);

    /** Cancels what runs and drops the workspace's views; later {@link #execute} calls fail. Idempotent. */
    @Override
    void close();
}
