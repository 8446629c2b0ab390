package org.spe.workspace.sql;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.types.StructField;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.workspace.data.WorkspaceViews;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SQL for one workspace: read-only queries over the views of its extract, nothing else.
 *
 * <p>Made over a platform {@link SparkSession} with {@link SparkSession#newSession()}, so each
 * workspace has its own temporary views and SQL configuration while sharing the SparkContext (and
 * so the executors) with other workspaces. The next step is a Spark application per workspace on
 * the compute pool (DESIGN §4), with its own quota; this class then runs over that application's
 * session unchanged.
 *
 * <p>Each statement is parsed with the session's own parser and refused unless it is a single
 * read-only query (see {@link #execute}); queries are then analysed and refused unless every
 * relation is one of the workspace's views over its extract. Only then do Spark jobs start.
 *
 * <p>Thread-safe: several statements may run at once, each under its own job group. Statements are
 * logged at debug; results never.
 */
public final class WorkspaceSql implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkspaceSql.class);
    private static final Pattern JOB_GROUP = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern WORKSPACE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spe-sql-timeout");
        thread.setDaemon(true);
        return thread;
    });

    private final String workspaceId;
    private final SparkSession session;
    private final List<String> views;
    private final StatementGuard guard;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private WorkspaceSql(String workspaceId, SparkSession session, List<String> views, StatementGuard guard) {
        this.workspaceId = workspaceId;
        this.session = session;
        this.views = views;
        this.guard = guard;
    }

    /**
     * Opens SQL for a workspace: a new session of {@code spark} with the extract's views registered.
     * Blocking (reads the extract's manifest and Parquet footers).
     *
     * @param spark the platform's session; it is not changed
     * @param workspaceId the workspace's id (letters, digits, {@code -}, {@code _}), used to name job groups
     * @param extractDirectory the workspace's finished extract
     * @throws SpeException NOT_FOUND when there is no finished extract there
     */
    public static WorkspaceSql open(SparkSession spark, String workspaceId, java.nio.file.Path extractDirectory) {
        requireNonNull(spark, "spark is null");
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(extractDirectory, "extractDirectory is null");
        if (!WORKSPACE_ID.matcher(workspaceId).matches()) {
            throw new IllegalArgumentException("workspaceId must be 1-64 of [A-Za-z0-9_-]: " + workspaceId);
        }
        SparkSession session = spark.newSession();
        session.conf().set("spark.sql.datetime.java8API.enabled", "true");
        session.conf().set("spark.sql.session.timeZone", "UTC");
        List<String> views = WorkspaceViews.register(session, extractDirectory);
        return new WorkspaceSql(workspaceId, session, views, new StatementGuard(new HashSet<>(views), extractDirectory));
    }

    /** The names of the workspace's tables (views), in extract order. */
    public List<String> tables() {
        return views;
    }

    /**
     * Runs one read-only statement and returns its first rows. Blocks until the result is complete,
     * the timeout passes or {@link #cancel} is called with the same job group.
     *
     * <p>Allowed: one query ({@code SELECT}, {@code WITH}, {@code VALUES}), {@code SHOW TABLES},
     * {@code SHOW VIEWS}, {@code SHOW COLUMNS}, {@code DESCRIBE} of a view. Refused: DDL and DML,
     * {@code SET}, {@code ADD JAR}, {@code CREATE FUNCTION}, {@code CACHE}, {@code EXPLAIN}, several
     * statements, file paths in {@code FROM}, qualified names, any table that is not one of
     * {@link #tables()}, {@code reflect}/{@code java_method} and file-name functions, table functions
     * other than {@code range} and the generators.
     *
     * @param sql the statement
     * @param limits row, byte and time caps
     * @param jobGroup the caller's name for this execution, for {@link #cancel}; 1-128 of
     *     {@code [A-Za-z0-9_.:-]}; not in use by another running statement of this workspace
     * @throws SpeException INVALID_INPUT for a refused or malformed statement (or one Spark cannot
     *     analyse); LIMIT_EXCEEDED when the timeout passed; CONFLICT when cancelled or the job group
     *     is in use; UNAVAILABLE when Spark failed otherwise
     */
    public SqlResult execute(String sql, SqlLimits limits, String jobGroup) {
        requireNonNull(limits, "limits is null");
        return withQuery(sql, limits, jobGroup, frame -> collect(frame, limits));
    }

    /**
     * Runs {@code work} over the rows of one read-only query, checked exactly as {@link #execute}
     * checks it, under the same job group, timeout and cancellation: how the platform's table
     * function reads the workspace's data ({@code SparkWorkspaceTables}).
     *
     * @param work what to compute from the query's (lazy) rows; its Spark jobs run under the job group
     * @throws SpeException as {@link #execute}
     */
    public <T> T withQuery(String sql, SqlLimits limits, String jobGroup, java.util.function.Function<Dataset<Row>, T> work) {
        requireNonNull(sql, "sql is null");
        requireNonNull(limits, "limits is null");
        requireNonNull(jobGroup, "jobGroup is null");
        requireNonNull(work, "work is null");
        if (!JOB_GROUP.matcher(jobGroup).matches()) {
            throw SpeException.invalid("a job group must be 1-128 of [A-Za-z0-9_.:-]");
        }
        if (closed.get()) {
            throw SpeException.conflict("SQL of workspace %s is closed", workspaceId);
        }
        if (sql.isBlank()) {
            throw SpeException.invalid("the statement is empty");
        }
        String group = sparkGroup(jobGroup);
        if (!running.add(group)) {
            throw SpeException.conflict("job group %s is already running", jobGroup);
        }
        LOG.debug("workspace {} job group {} runs: {}", workspaceId, jobGroup, sql);
        SparkContext context = session.sparkContext();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = null;
        context.setJobGroup(group, "workspace " + workspaceId + " SQL", true);
        try {
            LogicalPlan parsed = parse(sql);
            guard.checkParsed(parsed);
            timer = TIMER.schedule(() -> {
                timedOut.set(true);
                context.cancelJobGroup(group);
            }, limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
            Dataset<Row> frame = analyse(parsed);
            return work.apply(frame);
        } catch (SpeException e) {
            throw e;
        } catch (Exception e) {
            // Spark's SparkException is checked for javac, though collectAsList() does not declare it.
            if (timedOut.get()) {
                throw new SpeException(ErrorCategory.LIMIT_EXCEEDED,
                        "the query ran longer than " + limits.timeout() + " and was cancelled", e);
            }
            if (isCancellation(e)) {
                throw new SpeException(ErrorCategory.CONFLICT, "the query was cancelled", e);
            }
            throw new SpeException(ErrorCategory.UNAVAILABLE, "the query failed in Spark: " + condition(e), e);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            context.clearJobGroup();
            running.remove(group);
        }
    }

    /**
     * Cancels the Spark jobs of the statement running under {@code jobGroup} in this workspace; its
     * {@link #execute} then throws CONFLICT. Does nothing when none runs. Non-blocking; thread-safe.
     */
    public void cancel(String jobGroup) {
        requireNonNull(jobGroup, "jobGroup is null");
        String group = sparkGroup(jobGroup);
        if (running.contains(group)) {
            session.sparkContext().cancelJobGroup(group);
        }
    }

    /** Drops the workspace's views; later {@link #execute} calls fail. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (String group : running) {
                session.sparkContext().cancelJobGroup(group);
            }
            for (String view : views) {
                session.catalog().dropTempView(view);
            }
        }
    }

    private String sparkGroup(String jobGroup) {
        return "spe-ws-" + workspaceId + "-" + jobGroup;
    }

    private LogicalPlan parse(String sql) {
        try {
            return ((org.apache.spark.sql.classic.SparkSession) session).sessionState().sqlParser().parsePlan(sql);
        } catch (ParseException e) {
            throw new SpeException(ErrorCategory.INVALID_INPUT, "the statement does not parse: " + e.getMessage(), e);
        }
    }

    private Dataset<Row> analyse(LogicalPlan parsed) {
        Dataset<Row> frame;
        try {
            // The very plan the guard checked, not a re-parse of the text. Commands that passed the
            // guard (SHOW, DESCRIBE) run here, eagerly; queries are only analysed.
            frame = org.apache.spark.sql.classic.Dataset.ofRows(
                    (org.apache.spark.sql.classic.SparkSession) session, parsed);
        } catch (Exception e) {
            // Scala's AnalysisException is checked for javac, though sql() does not declare it.
            if (e instanceof org.apache.spark.sql.AnalysisException analysis) {
                throw new SpeException(ErrorCategory.INVALID_INPUT,
                        "the statement cannot be analysed: " + analysis.getSimpleMessage(), e);
            }
            throw (RuntimeException) e;
        }
        guard.checkAnalyzed(frame.queryExecution().analyzed());
        return frame;
    }

    private static SqlResult collect(Dataset<Row> frame, SqlLimits limits) {
        StructField[] fields = frame.schema().fields();
        List<SqlColumn> columns = new ArrayList<>(fields.length);
        for (StructField field : fields) {
            columns.add(new SqlColumn(field.name(), field.dataType().simpleString()));
        }
        List<Row> fetched = frame.limit(limits.maxRows() + 1).collectAsList();
        boolean truncated = fetched.size() > limits.maxRows();
        List<List<Object>> rows = new ArrayList<>();
        long bytes = 0;
        for (Row row : fetched.subList(0, Math.min(fetched.size(), limits.maxRows()))) {
            List<Object> values = new ArrayList<>(fields.length);
            long rowBytes = 0;
            for (int i = 0; i < fields.length; i++) {
                Object value = jsonValue(row.get(i));
                values.add(value);
                rowBytes += estimatedBytes(value);
            }
            if (bytes + rowBytes > limits.maxBytes()) {
                truncated = true;
                break;
            }
            bytes += rowBytes;
            rows.add(values);
        }
        return new SqlResult(columns, rows, truncated);
    }

    static Object jsonValue(Object value) {
        if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Double || value instanceof String) {
            return value;
        }
        if (value instanceof Byte || value instanceof Short) {
            return ((Number) value).intValue();
        }
        if (value instanceof Float f) {
            return f.doubleValue();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof java.math.BigInteger integer) {
            return new BigDecimal(integer);
        }
        if (value instanceof LocalDate || value instanceof Instant || value instanceof LocalDateTime) {
            return value.toString();
        }
        if (value instanceof byte[] bytes) {
            return Base64.getEncoder().encodeToString(bytes);
        }
        return String.valueOf(value);
    }

    private static long estimatedBytes(Object value) {
        if (value == null) {
            return 4;
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8).length + 2L;
        }
        return value.toString().length();
    }

    private static boolean isCancellation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage();
            if (message != null && (message.contains("cancelled") || message.contains("canceled"))) {
                return true;
            }
        }
        return false;
    }

    private static String condition(Exception e) {
        if (e instanceof org.apache.spark.SparkThrowable spark && spark.getCondition() != null) {
            return spark.getCondition();
        }
        return e.getClass().getSimpleName();
    }
}
