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
import java.util.Map;
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
 * {@link WorkspaceSql} in a session of a Spark application in this JVM.
 *
 * <p>Made over a {@link SparkSession} with {@link SparkSession#newSession()}, so each workspace has
 * its own temporary views and SQL configuration. In the platform's JVM (tests, no compute pool) the
 * SparkContext and its executors are shared with other workspaces; in a workspace's own driver JVM
 * ({@code org.spe.workspace.driver.WorkspaceDriverMain}) the application is the workspace's alone,
 * on the pool, capped by its permit's quota.
 *
 * <p>Each statement is parsed with the session's own parser and refused unless it is a single
 * read-only query (see {@link #execute}); queries are then analysed and refused unless every
 * relation is one of the workspace's views over its extract. Only then do Spark jobs start.
 *
 * <p>Thread-safe: several statements may run at once, each under its own job group. Statements are
 * logged at debug; results never.
 */
public final class SessionWorkspaceSql implements WorkspaceSql {
    private static final Logger LOG = LoggerFactory.getLogger(SessionWorkspaceSql.class);
    /** How often the jobs of a stopped statement are cancelled again, until the statement ends. */
    private static final long RECANCEL_MILLIS = 200;
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
    private final Map<String, Execution> running = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * One running statement. Spark cancels only the jobs of a group that exist at the moment of
     * {@code cancelJobGroup}; a statement stopped while it is still being analysed, or between two of
     * its jobs, would start its next job unharmed. So a stop is remembered and the group is cancelled
     * again every {@value #RECANCEL_MILLIS} ms until the statement ends.
     */
    private final class Execution {
        private final String group;
        private volatile String stopReason;
        private ScheduledFuture<?> canceller;

        Execution(String group) {
            this.group = group;
        }

        synchronized void stop(String reason) {
            if (stopReason == null) {
                stopReason = reason;
                SparkContext context = session.sparkContext();
                context.cancelJobGroup(group);
                canceller = TIMER.scheduleAtFixedRate(() -> context.cancelJobGroup(group),
                        RECANCEL_MILLIS, RECANCEL_MILLIS, TimeUnit.MILLISECONDS);
            }
        }

        synchronized void finish() {
            if (canceller != null) {
                canceller.cancel(false);
            }
        }

        void throwIfStopped() {
            String reason = stopReason;
            if (reason != null) {
                throw new SpeException(ErrorCategory.CONFLICT, "the query was " + reason);
            }
        }
    }

    private SessionWorkspaceSql(String workspaceId, SparkSession session, List<String> views, StatementGuard guard) {
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
    public static SessionWorkspaceSql open(SparkSession spark, String workspaceId, java.nio.file.Path extractDirectory) {
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
        return new SessionWorkspaceSql(workspaceId, session, views, new StatementGuard(new HashSet<>(views), extractDirectory));
    }

    @Override
    public List<String> tables() {
        return views;
    }

    @Override
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
        Execution execution = new Execution(group);
        if (running.putIfAbsent(group, execution) != null) {
            throw SpeException.conflict("job group %s is already running", jobGroup);
        }
        LOG.debug("workspace {} job group {} runs: {}", workspaceId, jobGroup, sql);
        SparkContext context = session.sparkContext();
        ScheduledFuture<?> timer = null;
        context.setJobGroup(group, "workspace " + workspaceId + " SQL", true);
        try {
            LogicalPlan parsed = parse(sql);
            guard.checkParsed(parsed);
            timer = TIMER.schedule(() -> execution.stop("timed out"), limits.timeout().toMillis(), TimeUnit.MILLISECONDS);
            Dataset<Row> frame = analyse(parsed);
            execution.throwIfStopped();
            T result = work.apply(frame);
            execution.throwIfStopped();
            return result;
        } catch (SpeException e) {
            if ("timed out".equals(execution.stopReason)) {
                throw timeout(limits, e);
            }
            throw e;
        } catch (Exception e) {
            // Spark's SparkException is checked for javac, though collectAsList() does not declare it.
            if ("timed out".equals(execution.stopReason)) {
                throw timeout(limits, e);
            }
            if (execution.stopReason != null || isCancellation(e)) {
                throw new SpeException(ErrorCategory.CONFLICT, "the query was cancelled", e);
            }
            throw new SpeException(ErrorCategory.UNAVAILABLE, "the query failed in Spark: " + condition(e), e);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            execution.finish();
            context.clearJobGroup();
            running.remove(group, execution);
        }
    }

    private static SpeException timeout(SqlLimits limits, Exception cause) {
        return new SpeException(ErrorCategory.LIMIT_EXCEEDED,
                "the query ran longer than " + limits.timeout() + " and was cancelled", cause);
    }

    @Override
    public boolean cancel(String jobGroup) {
        requireNonNull(jobGroup, "jobGroup is null");
        Execution execution = running.get(sparkGroup(jobGroup));
        if (execution == null) {
            return false;
        }
        execution.stop("cancelled");
        return true;
    }

    /** The Spark job group a statement of {@code jobGroup} runs under (for tests and metering). */
    public String sparkGroup(String jobGroup) {
        return "spe-ws-" + workspaceId + "-" + jobGroup;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Execution execution : running.values()) {
                execution.stop("cancelled");
            }
            for (String view : views) {
                session.catalog().dropTempView(view);
            }
        }
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
