package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Checkers for the outputs that are not tables. Each returns an {@link OutputCheck}, the shape
 * tables get from {@link TableChecker}. Stateless and thread-safe.
 */
public final class OutputCheckers {
    private OutputCheckers() {}

    /**
     * A regression: fails when its residual degrees of freedom are below the profile's minimum.
     * The result has one cell, row {@code ["residual_df"]}, whose value is the degrees of freedom
     * and whose persons are the observations.
     */
    public static OutputCheck regression(String output, long observations, long residualDegreesOfFreedom, SdcProfile profile) {
        requireNonNull(output, "output is null");
        requireNonNull(profile, "profile is null");
        if (observations < 0 || residualDegreesOfFreedom < 0 || residualDegreesOfFreedom > observations) {
            throw new IllegalArgumentException("need 0 ≤ residual df ≤ observations");
        }
        List<RuleBreach> breaches = new ArrayList<>();
        if (residualDegreesOfFreedom < profile.residualDfMinimum()) {
            breaches.add(new RuleBreach(SdcRule.RESIDUAL_DF, CheckStatus.FAIL,
                    "residual df " + residualDegreesOfFreedom + " < minimum " + profile.residualDfMinimum(),
                    Map.of("residualDf", (double) residualDegreesOfFreedom,
                            "residualDfMinimum", (double) profile.residualDfMinimum())));
        }
        CellResult cell = CellResult.of(CellKey.of(List.of("residual_df"), List.of()),
                OptionalDouble.of(residualDegreesOfFreedom), observations, breaches);
        return OutputCheck.of(output, OutputType.REGRESSION, profile, List.of(cell), List.of());
    }

    /**
     * One time point of a survival table.
     *
     * @param time the time label
     * @param atRisk persons at risk at that time
     */
    public record SurvivalPoint(String time, long atRisk) {
        public SurvivalPoint {
            requireNonNull(time, "time is null");
            if (atRisk < 0) {
                throw new IllegalArgumentException("atRisk must not be negative");
            }
        }
    }

    /** A survival table: each time point is a cell whose persons are those at risk; threshold and zero rules apply. */
    public static OutputCheck survival(String output, List<SurvivalPoint> points, SdcProfile profile) {
        requireNonNull(points, "points is null");
        List<CellResult> cells = new ArrayList<>();
        for (SurvivalPoint point : points) {
            cells.add(countCell(List.of(point.time()), point.atRisk(), profile));
        }
        return OutputCheck.of(requireNonNull(output, "output is null"), OutputType.SURVIVAL, profile, cells, List.of());
    }

    /**
     * A histogram: one cell per bin; threshold and zero rules apply to each bin's count.
     *
     * @param bins bin label to the persons in it, in display order
     */
    public static OutputCheck histogram(String output, Map<String, Long> bins, SdcProfile profile) {
        requireNonNull(bins, "bins is null");
        List<CellResult> cells = new ArrayList<>();
        bins.forEach((bin, count) -> cells.add(countCell(List.of(bin), count, profile)));
        return OutputCheck.of(requireNonNull(output, "output is null"), OutputType.HISTOGRAM, profile, cells, List.of());
    }

    /** A free-form file (text, image, notebook): never checkable automatically, always REVIEW. */
    public static OutputCheck freeForm(String output, SdcProfile profile) {
        RuleBreach breach = new RuleBreach(SdcRule.FREE_FORM, CheckStatus.REVIEW,
                "free-form output needs human review", Map.of());
        return OutputCheck.of(requireNonNull(output, "output is null"), OutputType.FREE_FORM,
                requireNonNull(profile, "profile is null"), List.of(), List.of(breach));
    }

    private static CellResult countCell(List<String> label, long persons, SdcProfile profile) {
        requireNonNull(profile, "profile is null");
        CellEvidence evidence = new CellEvidence(persons, persons, List.of(), OptionalLong.empty(),
                0, 0, 0, 0, 0, OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
        SdcProfile withoutFacilities = new SdcProfile(profile.name(), profile.threshold(), profile.dominanceN(),
                profile.dominanceK(), profile.pPercent(), profile.zerosDisclosive(), profile.allowMinMax(), 0,
                profile.residualDfMinimum(), profile.roundingBase(), profile.redactionThreshold(),
                profile.protectionLevel());
        return CellResult.of(CellKey.of(label, List.of()), OptionalDouble.of(persons), persons,
                CellRules.evaluate(evidence, Aggregation.COUNT, withoutFacilities));
    }
}
