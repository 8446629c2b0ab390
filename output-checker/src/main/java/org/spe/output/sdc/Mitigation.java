package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.spe.core.SpeException;

/**
 * Turns a checked table into the table that may be released.
 *
 * <ul>
 *   <li>Profiles with rounding or redaction ({@link SdcProfile#mitigatesByRounding()}): interior
 *       cells that fail or describe at most {@code redactionThreshold} persons are redacted, counts
 *       are rounded to the nearest {@code roundingBase}, and every margin of an additive table is
 *       recomputed as the sum of the released interior cells it totals, so no relation links a
 *       redacted cell to anything released.
 *   <li>Other profiles: cells that FAIL are suppressed (primary); for additive tables with margins,
 *       further cells are suppressed (secondary) until {@link AttackerProblem} shows every hidden
 *       cell's feasible interval is wider than 0 and at least {@code protectionLevel × |value|}.
 *       Margins are released with their true values unless suppressed.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 *
 * @see #MAX_HIDDEN_FOR_LP
 */
public final class Mitigation {
    /**
     * The most hidden cells whose protection the attacker LP is asked to prove; the dense simplex
     * grows quadratically, so larger suppression patterns are refused rather than left running.
     */
    public static final int MAX_HIDDEN_FOR_LP = 1_500;
    private Mitigation() {}

    /**
     * The released table.
     *
     * @param table the table as computed on the true data
     * @param check the result of {@link TableChecker#check} for that table
     * @param profile the profile the check used
     * @throws SpeException with {@code INVALID_INPUT} when secondary suppression would need more than
     *     {@link #MAX_HIDDEN_FOR_LP} hidden cells
     */
    public static ReleasedTable mitigate(SdcTable table, OutputCheck check, SdcProfile profile) {
        requireNonNull(table, "table is null");
        requireNonNull(check, "check is null");
        requireNonNull(profile, "profile is null");
        Map<CellKey, CellResult> results = new HashMap<>();
        check.cells().forEach(result -> results.put(result.key(), result));
        if (profile.mitigatesByRounding()) {
            return roundAndRedact(table, results, profile);
        }
        return suppress(table, results, profile);
    }

    /** Whether the interval hides the true value well enough under the profile. */
    public static boolean protects(Interval interval, double value, SdcProfile profile) {
        double width = interval.width();
        return width > 1e-9 * Math.max(1, Math.abs(value))
                && width >= profile.protectionLevel() * Math.abs(value) * (1 - 1e-9);
    }

    private static ReleasedTable roundAndRedact(SdcTable table, Map<CellKey, CellResult> results, SdcProfile profile) {
        Aggregation aggregation = table.aggregation();
        Map<CellKey, ReleasedCell> released = new HashMap<>();
        for (TableCell cell : table.cells()) {
            if (cell.key().margin() && aggregation.additive()) {
                continue;
            }
            CellResult result = results.get(cell.key());
            boolean redact = result.status() == CheckStatus.FAIL
                    || cell.evidence().persons() <= profile.redactionThreshold()
                    || result.value().isEmpty();
            if (redact) {
                released.put(cell.key(), new ReleasedCell(cell.key(), OptionalDouble.empty(), Suppression.REDACTED));
            } else {
                double value = result.value().getAsDouble();
                if (aggregation == Aggregation.COUNT) {
                    value = round(value, profile.roundingBase());
                }
                released.put(cell.key(), new ReleasedCell(cell.key(), OptionalDouble.of(value), Suppression.NONE));
            }
        }
        if (aggregation.additive()) {
            // margins: the sum of the released cells they total; relations ordered so the grand
            // total, which totals margins, is computed after them
            List<LinearRelation> relations = new ArrayList<>(table.marginRelations());
            relations.sort(Comparator.comparing(r -> r.total().rowMargin() && r.total().columnMargin()));
            for (LinearRelation relation : relations) {
                if (released.containsKey(relation.total())) {
                    continue;
                }
                double sum = 0;
                for (CellKey part : relation.parts()) {
                    ReleasedCell partCell = released.get(part);
                    if (partCell != null && !partCell.hidden()) {
                        sum += partCell.value().getAsDouble();
                    }
                }
                released.put(relation.total(),
                        new ReleasedCell(relation.total(), OptionalDouble.of(sum), Suppression.NONE));
            }
        }
        List<ReleasedCell> cells = table.cells().stream()
                .map(cell -> released.get(cell.key()))
                .toList();
        return new ReleasedTable(table.name(), aggregation, cells, List.of(), nonNegative(table));
    }

    private static double round(double value, int base) {
        return Math.round(value / base) * (double) base;
    }

    private static ReleasedTable suppress(SdcTable table, Map<CellKey, CellResult> results, SdcProfile profile) {
        Aggregation aggregation = table.aggregation();
        Map<CellKey, Double> values = new HashMap<>();
        Set<CellKey> primary = new LinkedHashSet<>();
        for (TableCell cell : table.cells()) {
            CellResult result = results.get(cell.key());
            if (result.status() == CheckStatus.FAIL || result.value().isEmpty()) {
                primary.add(cell.key());
            }
            values.put(cell.key(), result.value().orElse(0));
        }
        List<LinearRelation> relations = aggregation.additive() ? table.marginRelations() : List.of();
        boolean nonNegative = nonNegative(table);
        Set<CellKey> hidden = new LinkedHashSet<>(primary);
        // Each round adds at least one cell, so this ends after at most as many rounds as cells.
        for (int round = 0; round <= table.cells().size(); round++) {
            if (!hidden.isEmpty() && singletonPass(relations, hidden, values)) {
                continue;
            }
            ReleasedTable candidate = build(table, values, primary, hidden, relations, nonNegative);
            if (!relations.isEmpty() && hidden.size() > MAX_HIDDEN_FOR_LP) {
                throw SpeException.invalid("table %s needs %d suppressed cells, more than the %d whose protection can be "
                        + "proved; split the table or coarsen its categories", table.name(), hidden.size(), MAX_HIDDEN_FOR_LP);
            }
            Map<CellKey, Interval> intervals = AttackerProblem.intervals(candidate);
            List<CellKey> exposed = intervals.entrySet().stream()
                    .filter(e -> !protects(e.getValue(), values.get(e.getKey()), profile))
                    .map(Map.Entry::getKey)
                    .toList();
            if (exposed.isEmpty()) {
                return candidate;
            }
            // one partner for every exposed cell per round keeps the number of LP rounds small
            int before = hidden.size();
            for (CellKey cell : exposed) {
                partner(cell, relations, hidden, values)
                        .or(() -> anyPartner(relations, hidden, values))
                        .ifPresent(hidden::add);
            }
            if (hidden.size() == before) {
                throw new IllegalStateException("cannot protect cell " + exposed.get(0));
            }
        }
        throw new IllegalStateException("secondary suppression did not converge");
    }

    /** Hides a partner in every relation with exactly one hidden member; true if anything changed. */
    private static boolean singletonPass(List<LinearRelation> relations, Set<CellKey> hidden, Map<CellKey, Double> values) {
        boolean changed = false;
        for (LinearRelation relation : relations) {
            List<CellKey> members = new ArrayList<>(relation.parts());
            members.add(relation.total());
            long count = members.stream().filter(hidden::contains).count();
            if (count == 1) {
                CellKey lone = members.stream().filter(hidden::contains).findFirst().orElseThrow();
                cheapest(relation, lone, hidden, values).ifPresent(hidden::add);
                changed = true;
            }
        }
        return changed;
    }

    /** The cheapest not yet hidden cell sharing a relation with the exposed one. */
    private static Optional<CellKey> partner(
            CellKey exposed, List<LinearRelation> relations, Set<CellKey> hidden, Map<CellKey, Double> values) {
        return relations.stream()
                .filter(r -> r.total().equals(exposed) || r.parts().contains(exposed))
                .map(r -> cheapest(r, exposed, hidden, values))
                .flatMap(Optional::stream)
                .min(cost(values));
    }

    /**
     * When every relation of the exposed cell is already fully hidden, the constraint pinning it
     * runs through other hidden cells: hide the cheapest released cell of any relation that has a
     * hidden member.
     */
    private static Optional<CellKey> anyPartner(
            List<LinearRelation> relations, Set<CellKey> hidden, Map<CellKey, Double> values) {
        return relations.stream()
                .filter(r -> hidden.contains(r.total()) || r.parts().stream().anyMatch(hidden::contains))
                .flatMap(r -> {
                    List<CellKey> members = new ArrayList<>(r.parts());
                    members.add(r.total());
                    return members.stream();
                })
                .filter(k -> !hidden.contains(k))
                .min(cost(values));
    }

    /** Prefers interior parts over totals, then positive values, then the smallest value. */
    private static Optional<CellKey> cheapest(
            LinearRelation relation, CellKey exclude, Set<CellKey> hidden, Map<CellKey, Double> values) {
        List<CellKey> members = new ArrayList<>(relation.parts());
        members.add(relation.total());
        return members.stream()
                .filter(k -> !k.equals(exclude) && !hidden.contains(k))
                .min(cost(values));
    }

    private static Comparator<CellKey> cost(Map<CellKey, Double> values) {
        return Comparator.comparing(CellKey::margin)
                .thenComparing(k -> values.get(k) == 0)
                .thenComparing(k -> Math.abs(values.get(k)))
                .thenComparing(Comparator.naturalOrder());
    }

    private static ReleasedTable build(
            SdcTable table, Map<CellKey, Double> values, Set<CellKey> primary, Set<CellKey> hidden,
            List<LinearRelation> relations, boolean nonNegative) {
        List<ReleasedCell> cells = new ArrayList<>();
        for (TableCell cell : table.cells()) {
            CellKey key = cell.key();
            if (primary.contains(key)) {
                cells.add(new ReleasedCell(key, OptionalDouble.empty(), Suppression.PRIMARY));
            } else if (hidden.contains(key)) {
                cells.add(new ReleasedCell(key, OptionalDouble.empty(), Suppression.SECONDARY));
            } else {
                cells.add(new ReleasedCell(key, OptionalDouble.of(values.get(key)), Suppression.NONE));
            }
        }
        return new ReleasedTable(table.name(), table.aggregation(), cells, relations, nonNegative);
    }

    private static boolean nonNegative(SdcTable table) {
        return table.cells().stream().allMatch(cell -> cell.evidence().negatives() == 0);
    }
}
