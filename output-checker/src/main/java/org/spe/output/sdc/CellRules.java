package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The automatic per-cell rules. Stateless and thread-safe.
 *
 * <p>Comparisons at a limit ("exceeds k of the total", "less than p × largest") treat differences
 * within a relative 1e-9 of the total as equal, so a cell exactly at the limit passes whatever the
 * floating-point rounding of k × total.
 */
public final class CellRules {
    private static final double RELATIVE_TOLERANCE = 1e-9;

    private CellRules() {}

    /** The rules the cell breaks under the profile, in rule order; empty when it passes. */
    public static List<RuleBreach> evaluate(CellEvidence evidence, Aggregation aggregation, SdcProfile profile) {
        requireNonNull(evidence, "evidence is null");
        requireNonNull(aggregation, "aggregation is null");
        requireNonNull(profile, "profile is null");
        List<RuleBreach> breaches = new ArrayList<>();
        long persons = evidence.persons();
        if (persons > 0 && persons < profile.threshold()) {
            breaches.add(new RuleBreach(SdcRule.THRESHOLD, CheckStatus.FAIL,
                    "persons " + persons + " < threshold " + profile.threshold(),
                    Map.of("persons", (double) persons, "threshold", (double) profile.threshold())));
        }
        if (profile.minFacilities() > 0 && persons > 0) {
            if (evidence.facilities().isPresent()) {
                long facilities = evidence.facilities().getAsLong();
                if (facilities < profile.minFacilities()) {
                    breaches.add(new RuleBreach(SdcRule.FACILITIES, CheckStatus.FAIL,
                            "facilities " + facilities + " < minimum " + profile.minFacilities(),
                            Map.of("facilities", (double) facilities, "minFacilities", (double) profile.minFacilities())));
                }
            } else {
                breaches.add(new RuleBreach(SdcRule.FACILITIES, CheckStatus.REVIEW,
                        "profile needs at least " + profile.minFacilities() + " facilities per cell but the table has no facility column",
                        Map.of("minFacilities", (double) profile.minFacilities())));
            }
        }
        if (aggregation.magnitude() && persons > 0) {
            magnitudeRules(evidence, aggregation, profile, breaches);
        }
        if (persons == 0 && profile.zerosDisclosive()) {
            breaches.add(new RuleBreach(SdcRule.ZERO, CheckStatus.FAIL, "cell has no persons", Map.of("persons", 0.0)));
        }
        return List.copyOf(breaches);
    }

    private static void magnitudeRules(
            CellEvidence evidence, Aggregation aggregation, SdcProfile profile, List<RuleBreach> breaches) {
        boolean dominanceDefined = true;
        if (evidence.negatives() > 0) {
            dominanceDefined = false;
            breaches.add(new RuleBreach(SdcRule.NEGATIVE, CheckStatus.REVIEW,
                    evidence.negatives() + " negative values; dominance is not defined",
                    Map.of("negatives", (double) evidence.negatives())));
        }
        if (evidence.missing() > 0) {
            breaches.add(new RuleBreach(SdcRule.MISSING, CheckStatus.REVIEW,
                    evidence.missing() + " missing values",
                    Map.of("missing", (double) evidence.missing())));
        }
        double total = evidence.sum();
        if (dominanceDefined && total > 0) {
            double tolerance = RELATIVE_TOLERANCE * total;
            int n = profile.dominanceN();
            double top = evidence.largestSum(n);
            if (top - profile.dominanceK() * total > tolerance) {
                breaches.add(new RuleBreach(SdcRule.DOMINANCE_NK, CheckStatus.FAIL,
                        "largest " + n + " contributions " + top + " > " + profile.dominanceK() + " × total " + total,
                        Map.of("largestSum", top, "total", total, "n", (double) n, "k", profile.dominanceK())));
            }
            double largest = evidence.largest();
            double second = evidence.secondLargest();
            double remainder = total - largest - second;
            if (profile.pPercent() * largest - remainder > tolerance) {
                breaches.add(new RuleBreach(SdcRule.DOMINANCE_P, CheckStatus.FAIL,
                        "total − largest − second " + remainder + " < " + profile.pPercent() + " × largest " + largest,
                        Map.of("total", total, "largest", largest, "second", second, "p", profile.pPercent())));
            }
        }
        if ((aggregation == Aggregation.MIN || aggregation == Aggregation.MAX) && !profile.allowMinMax()) {
            breaches.add(new RuleBreach(SdcRule.MIN_MAX, CheckStatus.FAIL,
                    aggregation.id() + " shows one person's value; profile " + profile.name() + " does not allow it",
                    Map.of()));
        }
    }
}
