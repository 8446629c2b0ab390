package org.spe.workspace.sql;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTable;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableOrView;
import org.apache.spark.sql.catalyst.analysis.UnresolvedTableValuedFunction;
import org.apache.spark.sql.catalyst.analysis.UnresolvedView;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.plans.QueryPlan;
import org.apache.spark.sql.catalyst.plans.logical.Command;
import org.apache.spark.sql.catalyst.plans.logical.DescribeColumn;
import org.apache.spark.sql.catalyst.plans.logical.DescribeRelation;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.ParsedStatement;
import org.apache.spark.sql.catalyst.plans.logical.ShowColumns;
import org.apache.spark.sql.catalyst.plans.logical.ShowTables;
import org.apache.spark.sql.catalyst.plans.logical.ShowViews;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import org.apache.spark.sql.catalyst.plans.logical.View;
import org.apache.spark.sql.catalyst.trees.TreeNode;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import org.spe.core.SpeException;
import scala.Tuple3;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Decides whether a statement may run in a workspace, from Spark's own plans rather than from the
 * text: {@link #checkParsed} before anything runs (a statement is analysed, and commands are
 * executed, only after it passes), {@link #checkAnalyzed} on the analysed plan of a query before
 * its jobs start. Stateless apart from the workspace's view names and extract; thread-safe.
 */
final class StatementGuard {
    /** Table-valued functions that read no storage. */
    private static final Set<String> TABLE_FUNCTIONS = Set.of("range", "explode", "explode_outer", "inline",
            "inline_outer", "posexplode", "posexplode_outer", "stack", "json_tuple");
    /** Functions that call arbitrary Java (reading system properties, environment) or reveal host paths. */
    private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of("reflect", "java_method", "try_reflect",
            "input_file_name", "input_file_block_start", "input_file_block_length", "xpath", "xpath_boolean",
            "xpath_double", "xpath_float", "xpath_int", "xpath_long", "xpath_number", "xpath_short", "xpath_string");

    /** Plan classes that are neither commands nor parsed statements but must never run. */
    private static final String FORBIDDEN_PLANS = "InsertIntoStatement|.*Insert.*|MergeIntoTable|DeleteFromTable"
            + "|UpdateTable|.*Command.*|.*ExecuteImmediate.*|Compound.*|.*Script.*|.*Variable.*|.*Transform.*";

    private final Set<String> views;
    private final URI extractRoot;

    StatementGuard(Set<String> views, Path extractDirectory) {
        Set<String> lower = new HashSet<>();
        for (String view : views) {
            lower.add(view.toLowerCase(Locale.ROOT));
        }
        this.views = Set.copyOf(lower);
        this.extractRoot = requireNonNull(extractDirectory, "extractDirectory is null").toAbsolutePath().normalize().toUri();
    }

    /**
     * Accepts a single read-only statement: a query ({@code SELECT}, {@code WITH}, {@code VALUES},
     * {@code TABLE}), or {@code SHOW TABLES}, {@code SHOW VIEWS}, {@code SHOW COLUMNS}, {@code DESCRIBE}
     * of a view; every table named must be one of the workspace's views or a name of the statement's
     * own {@code WITH}.
     *
     * @throws SpeException INVALID_INPUT naming what is refused
     */
    void checkParsed(LogicalPlan plan) {
        boolean metadata = plan instanceof ShowTables || plan instanceof ShowViews || plan instanceof ShowColumns
                || plan instanceof DescribeRelation || plan instanceof DescribeColumn;
        if (!metadata && isStatement(plan)) {
            throw refused(plan);
        }
        Set<String> cteNames = new HashSet<>();
        collectCteNames(plan, cteNames);
        walk(plan, plan, cteNames);
    }

    /**
     * Accepts an analysed query plan only when every relation it reads is one of the workspace's
     * views over files inside the workspace's extract.
     *
     * @throws SpeException INVALID_INPUT naming what is refused
     */
    void checkAnalyzed(LogicalPlan analyzed) {
        visit(analyzed, node -> {
            if (node instanceof View view) {
                String name = view.desc().identifier().table().toLowerCase(Locale.ROOT);
                if (!view.isTempView() || !views.contains(name)) {
                    throw SpeException.invalid("the table %s is not one of this workspace's tables %s",
                            view.desc().identifier().unquotedString(), sortedViews());
                }
            } else if (node instanceof LogicalRelation relation) {
                if (!(relation.relation() instanceof HadoopFsRelation files)) {
                    throw SpeException.invalid("the query reads a relation that is not one of this workspace's tables");
                }
                for (org.apache.hadoop.fs.Path root : CollectionConverters.asJava(files.location().rootPaths())) {
                    URI uri = root.toUri();
                    String path = uri.getPath() == null ? "" : uri.getPath();
                    if (!path.startsWith(extractRoot.getPath())) {
                        throw SpeException.invalid("the query reads files outside this workspace's extract");
                    }
                }
            } else if (node instanceof LogicalPlan plan && isStatement(plan) && node != analyzed) {
                throw refused(plan);
            } else if (node instanceof LogicalPlan && node.getClass().getSimpleName().matches(
                    "DataSourceV2Relation|DataSourceV2ScanRelation|HiveTableRelation|StreamingRelation.*")) {
                throw SpeException.invalid("the query reads a relation that is not one of this workspace's tables");
            }
        });
    }

    private void walk(LogicalPlan root, TreeNode<?> top, Set<String> cteNames) {
        visit(top, node -> {
            if (node != root && node instanceof LogicalPlan plan && isStatement(plan)) {
                throw refused(plan);
            }
            if (node instanceof UnresolvedRelation relation) {
                checkTableName(relation.multipartIdentifier(), cteNames);
            } else if (node instanceof UnresolvedTableOrView relation) {
                checkTableName(relation.multipartIdentifier(), Set.of());
            } else if (node instanceof UnresolvedTable relation) {
                checkTableName(relation.multipartIdentifier(), Set.of());
            } else if (node instanceof UnresolvedView relation) {
                checkTableName(relation.multipartIdentifier(), Set.of());
            } else if (node instanceof UnresolvedTableValuedFunction function) {
                String name = String.join(".", CollectionConverters.asJava(function.name())).toLowerCase(Locale.ROOT);
                if (!TABLE_FUNCTIONS.contains(name)) {
                    throw SpeException.invalid("the table function %s is not available in workspaces", name);
                }
            } else if (node instanceof UnresolvedFunction function) {
                var parts = CollectionConverters.asJava(function.nameParts());
                String name = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
                if (FORBIDDEN_FUNCTIONS.contains(name)) {
                    throw SpeException.invalid("the function %s is not available in workspaces", name);
                }
            }
        });
    }

    private void checkTableName(scala.collection.immutable.Seq<String> identifier, Set<String> cteNames) {
        var parts = CollectionConverters.asJava(identifier);
        String name = String.join(".", parts);
        if (parts.size() != 1) {
            throw SpeException.invalid("the table %s is not one of this workspace's tables %s"
                    + " (file paths and qualified names are not allowed)", name, sortedViews());
        }
        String lower = parts.get(0).toLowerCase(Locale.ROOT);
        if (!views.contains(lower) && !cteNames.contains(lower)) {
            throw SpeException.invalid("the table %s is not one of this workspace's tables %s", name, sortedViews());
        }
    }

    private static void collectCteNames(TreeNode<?> top, Set<String> names) {
        visit(top, node -> {
            if (node instanceof UnresolvedWith with) {
                for (Tuple3<String, ?, ?> relation : CollectionConverters.asJava(with.cteRelations())) {
                    names.add(relation._1().toLowerCase(Locale.ROOT));
                }
            }
        });
    }

    private static boolean isStatement(LogicalPlan plan) {
        // Commands (DDL, SET, ADD JAR, CREATE FUNCTION, CACHE, EXPLAIN, USE, variables …) and parsed
        // statements (INSERT, …); class names cover the plans that are neither but write, run
        // another statement (EXECUTE IMMEDIATE), run a script (BEGIN … END) or a process
        // (SELECT TRANSFORM … USING 'cmd').
        return plan instanceof Command || plan instanceof ParsedStatement
                || plan.getClass().getSimpleName().matches(FORBIDDEN_PLANS);
    }

    private static SpeException refused(LogicalPlan plan) {
        return SpeException.invalid("only a single read-only query (SELECT, WITH, VALUES, SHOW, DESCRIBE) is allowed,"
                + " not %s", plan.nodeName());
    }

    private String sortedViews() {
        return views.stream().sorted().toList().toString();
    }

    /** Visits every plan and expression node under {@code top}, subqueries and inner children included. */
    private static void visit(TreeNode<?> top, java.util.function.Consumer<TreeNode<?>> visitor) {
        java.util.ArrayDeque<TreeNode<?>> pending = new java.util.ArrayDeque<>();
        java.util.Set<TreeNode<?>> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        pending.push(top);
        while (!pending.isEmpty()) {
            TreeNode<?> node = pending.pop();
            if (!seen.add(node)) {
                continue;
            }
            visitor.accept(node);
            for (Object child : CollectionConverters.asJava(node.children())) {
                pending.push((TreeNode<?>) child);
            }
            for (TreeNode<?> inner : CollectionConverters.asJava(node.innerChildren())) {
                pending.push(inner);
            }
            if (node instanceof QueryPlan<?> plan) {
                for (Object expression : CollectionConverters.asJava(plan.expressions())) {
                    pending.push((TreeNode<?>) expression);
                }
            }
            if (node instanceof SubqueryExpression subquery) {
                pending.push(subquery.plan());
            }
            if (node instanceof UnresolvedWith with) {
                for (Tuple3<String, ?, ?> relation : CollectionConverters.asJava(with.cteRelations())) {
                    pending.push((TreeNode<?>) relation._2());
                }
            }
        }
    }
}
