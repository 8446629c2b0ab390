package org.spe.output.sdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.linear.UnboundedSolutionException;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.junit.jupiter.api.Test;

class MitigationTest {
    private static final SdcProfile DEFAULT = SdcProfiles.defaultProfile();
    private static final int[][] COUNTS = {
        {20, 3, 15, 30},
        {12, 25, 4, 18},
        {40, 22, 31, 11},
        {16, 14, 19, 27},
    };

    @Test
    void attackerCannotNarrowAnySuppressedCellBelowTheProtectionLevel() {
        SdcTable table = Evidences.countTable("t", COUNTS);
        OutputCheck check = TableChecker.check(table, DEFAULT);
        assertThat(check.status()).isEqualTo(CheckStatus.FAIL);

        ReleasedTable released = Mitigation.mitigate(table, check, DEFAULT);

        Map<CellKey, Double> truth = truth(table);
        List<ReleasedCell> hidden = released.cells().stream().filter(ReleasedCell::hidden).toList();
        assertThat(hidden).extracting(ReleasedCell::suppression).contains(Suppression.PRIMARY, Suppression.SECONDARY);
        assertThat(hidden.stream().filter(c -> c.suppression() == Suppression.PRIMARY).map(ReleasedCell::key))
                .containsExactlyInAnyOrder(key(0, 1), key(1, 2));
        Map<CellKey, double[]> intervals = attack(released);
        assertThat(intervals).hasSize(hidden.size());
        intervals.forEach((cell, interval) -> {
            double value = truth.get(cell);
            assertThat(interval[0]).as("lower bound of %s", cell).isLessThanOrEqualTo(value + 1e-6);
            assertThat(interval[1]).as("upper bound of %s", cell).isGreaterThanOrEqualTo(value - 1e-6);
            double width = interval[1] - interval[0];
            assertThat(width).as("width of %s", cell).isGreaterThan(0)
                    .isGreaterThanOrEqualTo(DEFAULT.protectionLevel() * value);
        });
        // margins are released with their true values
        assertThat(released.cells()).filteredOn(c -> c.key().margin())
                .allSatisfy(c -> assertThat(c.value()).hasValue(truth.get(c.key())));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void randomTablesAreProtectedAgainstTheAttacker(long seed) {
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int[][] counts = new int[6][7];
        for (int[] row : counts) {
            for (int c = 0; c < row.length; c++) {
                row[c] = random.nextInt(5) == 0 ? random.nextInt(10) : 10 + random.nextInt(90);
            }
        }
        SdcProfile strict = SdcProfiles.named("tier3");
        SdcTable table = Evidences.countTable("random", counts);
        ReleasedTable released = Mitigation.mitigate(table, TableChecker.check(table, strict), strict);
        Map<CellKey, Double> truth = truth(table);
        Map<CellKey, double[]> intervals = attack(released);
        assertThat(intervals).isNotEmpty();
        intervals.forEach((cell, interval) -> {
            double value = truth.get(cell);
            assertThat(interval[1] - interval[0]).as("width of %s (seed %d)", cell, seed)
                    .isGreaterThan(0)
                    .isGreaterThanOrEqualTo(strict.protectionLevel() * value - 1e-6);
        });
    }

    @Test
    void primarySuppressionAloneLetsTheAttackerRecomputeTheCell() {
        SdcTable table = Evidences.countTable("t", COUNTS);
        OutputCheck check = TableChecker.check(table, DEFAULT);
        List<ReleasedCell> cells = new ArrayList<>();
        for (CellResult result : check.cells()) {
            cells.add(result.status() == CheckStatus.FAIL
                    ? new ReleasedCell(result.key(), OptionalDouble.empty(), Suppression.PRIMARY)
                    : new ReleasedCell(result.key(), result.value(), Suppression.NONE));
        }
        ReleasedTable naive = new ReleasedTable("t", Aggregation.COUNT, cells, table.marginRelations(), true);

        Map<CellKey, double[]> intervals = attack(naive);

        assertThat(intervals.get(key(0, 1))).containsExactly(3.0, 3.0);
        assertThat(intervals.get(key(1, 2))).containsExactly(4.0, 4.0);
        assertThat(AttackerProblem.intervals(naive).get(key(0, 1)).width()).isLessThan(1e-6);
    }

    @Test
    void oneDimensionalTableHidesASecondCell() {
        SdcTable table = Evidences.oneDimensional("h", 3, 25, 30, 12);
        ReleasedTable released = Mitigation.mitigate(table, TableChecker.check(table, DEFAULT), DEFAULT);
        assertThat(released.cells()).extracting(ReleasedCell::suppression).containsExactly(
                Suppression.PRIMARY, Suppression.NONE, Suppression.NONE, Suppression.SECONDARY, Suppression.NONE);
        Interval interval = AttackerProblem.intervals(released).get(CellKey.of(List.of("b0"), List.of()));
        assertThat(interval.lower()).isEqualTo(0.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(interval.upper()).isEqualTo(15.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void refusesSuppressionPatternsTooLargeToProve() {
        int[][] counts = new int[40][45];
        for (int[] row : counts) {
            java.util.Arrays.fill(row, 3); // every cell fails the threshold
        }
        SdcTable table = Evidences.countTable("huge", counts);
        OutputCheck check = TableChecker.check(table, DEFAULT);
        assertThatThrownBy(() -> Mitigation.mitigate(table, check, DEFAULT))
                .isInstanceOf(org.spe.core.SpeException.class)
                .hasMessageContaining("more than the " + Mitigation.MAX_HIDDEN_FOR_LP);
    }

    @Test
    void tableWithoutFailuresIsReleasedUnchanged() {
        SdcTable table = Evidences.oneDimensional("h", 30, 25, 30, 12);
        ReleasedTable released = Mitigation.mitigate(table, TableChecker.check(table, DEFAULT), DEFAULT);
        assertThat(released.mitigated()).isFalse();
    }

    @Test
    void openSafelyRedactsRoundsAndRecomputesTotals() {
        SdcProfile openSafely = SdcProfiles.named("opensafely");
        SdcTable table = Evidences.oneDimensional("h", 3, 12, 27, 8);
        OutputCheck check = TableChecker.check(table, openSafely);
        assertThat(check.cells()).extracting(CellResult::status).containsExactly(
                CheckStatus.FAIL, CheckStatus.PASS, CheckStatus.PASS, CheckStatus.PASS, CheckStatus.PASS);

        ReleasedTable released = Mitigation.mitigate(table, check, openSafely);

        assertThat(released.cells()).extracting(ReleasedCell::suppression).containsExactly(
                Suppression.REDACTED, Suppression.NONE, Suppression.NONE, Suppression.NONE, Suppression.NONE);
        assertThat(released.cells()).extracting(ReleasedCell::value).containsExactly(
                OptionalDouble.empty(), OptionalDouble.of(10), OptionalDouble.of(25), OptionalDouble.of(10),
                OptionalDouble.of(45)); // the total of the released cells, not round(50) = 50
        assertThat(released.relations()).isEmpty();
    }

    @Test
    void openSafelyTwoDimensionalMarginsAreSumsOfReleasedRoundedCells() {
        SdcProfile openSafely = SdcProfiles.named("opensafely");
        SdcTable table = Evidences.countTable("t", COUNTS);
        ReleasedTable released = Mitigation.mitigate(table, TableChecker.check(table, openSafely), openSafely);
        Map<CellKey, ReleasedCell> byKey = new LinkedHashMap<>();
        released.cells().forEach(c -> byKey.put(c.key(), c));
        assertThat(byKey.get(key(0, 1)).suppression()).isEqualTo(Suppression.REDACTED);
        assertThat(byKey.get(key(1, 2)).suppression()).isEqualTo(Suppression.REDACTED);
        for (ReleasedCell cell : released.cells()) {
            cell.value().ifPresent(v -> assertThat(v % 5).as("%s rounded to 5", cell.key()).isZero());
        }
        for (LinearRelation relation : table.marginRelations()) {
            double sum = relation.parts().stream().mapToDouble(p -> byKey.get(p).value().orElse(0)).sum();
            assertThat(byKey.get(relation.total()).value()).hasValue(sum);
        }
    }

    private static CellKey key(int row, int column) {
        return CellKey.of(List.of("r" + row), List.of("c" + column));
    }

    private static Map<CellKey, Double> truth(SdcTable table) {
        Map<CellKey, Double> truth = new LinkedHashMap<>();
        table.cells().forEach(c -> truth.put(c.key(), (double) c.evidence().persons()));
        return truth;
    }

    /**
     * The attacker, written independently of {@link AttackerProblem}: from the released cells'
     * labels alone, every row of interior cells sums to its row margin, every column to its column
     * margin, and the margins to the grand total; counts are non-negative. Returns [min, max] of
     * each hidden cell by linear programming.
     */
    private static Map<CellKey, double[]> attack(ReleasedTable released) {
        Map<CellKey, Integer> index = new LinkedHashMap<>();
        Map<CellKey, Double> known = new LinkedHashMap<>();
        for (ReleasedCell cell : released.cells()) {
            if (cell.hidden()) {
                index.put(cell.key(), index.size());
            } else {
                known.put(cell.key(), cell.value().getAsDouble());
            }
        }
        int n = index.size();
        List<LinearConstraint> constraints = new ArrayList<>();
        Map<String, List<CellKey>> groups = new LinkedHashMap<>();
        for (ReleasedCell cell : released.cells()) {
            CellKey k = cell.key();
            String row = k.rowMargin() ? "*" : k.row().get(0);
            String column = k.columnMargin() ? "*" : k.column().get(0);
            groups.computeIfAbsent("row " + row, g -> new ArrayList<>()).add(k);
            groups.computeIfAbsent("column " + column, g -> new ArrayList<>()).add(k);
        }
        // in each group the cell whose other label is the margin is the sum of the rest
        groups.forEach((group, members) -> {
            boolean byRow = group.startsWith("row ");
            CellKey total = members.stream().filter(k -> byRow ? k.columnMargin() : k.rowMargin()).findFirst().orElseThrow();
            double[] coefficients = new double[n];
            double constant = 0;
            for (CellKey member : members) {
                double sign = member.equals(total) ? 1 : -1;
                if (index.containsKey(member)) {
                    coefficients[index.get(member)] += sign;
                } else {
                    constant += sign * known.get(member);
                }
            }
            constraints.add(new LinearConstraint(coefficients, Relationship.EQ, -constant));
        });
        Map<CellKey, double[]> intervals = new LinkedHashMap<>();
        for (Map.Entry<CellKey, Integer> variable : index.entrySet()) {
            double[] objective = new double[n];
            objective[variable.getValue()] = 1;
            intervals.put(variable.getKey(), new double[] {
                solve(objective, constraints, GoalType.MINIMIZE), solve(objective, constraints, GoalType.MAXIMIZE)
            });
        }
        return intervals;
    }

    private static double solve(double[] objective, List<LinearConstraint> constraints, GoalType goal) {
        try {
            return new SimplexSolver().optimize(new MaxIter(10_000), new LinearObjectiveFunction(objective, 0),
                    new LinearConstraintSet(constraints), goal, new NonNegativeConstraint(true)).getValue();
        } catch (UnboundedSolutionException e) {
            return Double.POSITIVE_INFINITY;
        }
    }
}
