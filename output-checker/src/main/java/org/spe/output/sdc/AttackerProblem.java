package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NoFeasibleSolutionException;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.linear.UnboundedSolutionException;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;

/**
 * Solves the attacker's problem for a released table: for every hidden cell, the smallest and the
 * largest value it can take given every released value and the table's additive relations
 * (linear programming: two simplex solves per hidden cell). Values are scaled to the largest
 * released value before solving. Stateless and thread-safe.
 */
public final class AttackerProblem {
    private static final int MAX_ITERATIONS = 100_000;

    private AttackerProblem() {}

    /**
     * The feasible interval of each hidden cell, by key, in table order.
     *
     * @throws IllegalStateException if the released values contradict the relations
     */
    public static Map<CellKey, Interval> intervals(ReleasedTable table) {
        requireNonNull(table, "table is null");
        Map<CellKey, Integer> variables = new LinkedHashMap<>();
        Map<CellKey, Double> known = new LinkedHashMap<>();
        double scale = 1;
        for (ReleasedCell cell : table.cells()) {
            if (cell.hidden()) {
                variables.put(cell.key(), variables.size());
            } else {
                double value = cell.value().getAsDouble();
                known.put(cell.key(), value);
                scale = Math.max(scale, Math.abs(value));
            }
        }
        Map<CellKey, Interval> result = new LinkedHashMap<>();
        if (variables.isEmpty()) {
            return result;
        }
        List<LinearConstraint> constraints = new ArrayList<>();
        int n = variables.size();
        for (LinearRelation relation : table.relations()) {
            boolean involved = variables.containsKey(relation.total())
                    || relation.parts().stream().anyMatch(variables::containsKey);
            if (!involved) {
                continue;
            }
            if (relation.exact()) {
                // total − Σ parts = 0
                double[] coefficients = new double[n];
                double constant = 0;
                constant += term(relation.total(), 1, variables, known, coefficients, scale);
                for (CellKey part : relation.parts()) {
                    constant += term(part, -1, variables, known, coefficients, scale);
                }
                constraints.add(new LinearConstraint(coefficients, Relationship.EQ, -constant));
            } else {
                // total − Σ parts ≤ 0, and part − total ≤ 0 for each part
                double[] coefficients = new double[n];
                double constant = term(relation.total(), 1, variables, known, coefficients, scale);
                for (CellKey part : relation.parts()) {
                    constant += term(part, -1, variables, known, coefficients, scale);
                }
                constraints.add(new LinearConstraint(coefficients, Relationship.LEQ, -constant));
                for (CellKey part : relation.parts()) {
                    double[] pair = new double[n];
                    double pairConstant = term(part, 1, variables, known, pair, scale)
                            + term(relation.total(), -1, variables, known, pair, scale);
                    constraints.add(new LinearConstraint(pair, Relationship.LEQ, -pairConstant));
                }
            }
        }
        for (Map.Entry<CellKey, Integer> variable : variables.entrySet()) {
            double lower = bound(variable.getValue(), n, constraints, table.nonNegative(), GoalType.MINIMIZE);
            double upper = bound(variable.getValue(), n, constraints, table.nonNegative(), GoalType.MAXIMIZE);
            result.put(variable.getKey(), new Interval(lower * scale, upper * scale));
        }
        return result;
    }

    /** Adds the cell's coefficient if hidden; returns its scaled known value × sign otherwise. */
    private static double term(
            CellKey key, double sign, Map<CellKey, Integer> variables, Map<CellKey, Double> known,
            double[] coefficients, double scale) {
        Integer index = variables.get(key);
        if (index != null) {
            coefficients[index] += sign;
            return 0;
        }
        Double value = known.get(key);
        if (value == null) {
            throw new IllegalArgumentException("relation names a cell the table does not have: " + key);
        }
        return sign * value / scale;
    }

    private static double bound(
            int index, int n, Collection<LinearConstraint> constraints, boolean nonNegative, GoalType goal) {
        boolean constrained = constraints.stream().anyMatch(c -> c.getCoefficients().getEntry(index) != 0);
        if (!constrained) {
            return goal == GoalType.MINIMIZE
                    ? (nonNegative ? 0 : Double.NEGATIVE_INFINITY)
                    : Double.POSITIVE_INFINITY;
        }
        double[] objective = new double[n];
        objective[index] = 1;
        try {
            PointValuePair solution = new SimplexSolver().optimize(
                    new MaxIter(MAX_ITERATIONS),
                    new LinearObjectiveFunction(objective, 0),
                    new LinearConstraintSet(constraints),
                    goal,
                    new NonNegativeConstraint(nonNegative));
            return solution.getValue();
        } catch (UnboundedSolutionException e) {
            return goal == GoalType.MINIMIZE ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        } catch (NoFeasibleSolutionException e) {
            throw new IllegalStateException("released values contradict the table's relations", e);
        }
    }
}
