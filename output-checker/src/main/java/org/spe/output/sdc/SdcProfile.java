package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

/**
 * Every parameter of the automatic statistical disclosure control rules, in one value. Profiles
 * are shipped in {@code sdc-profiles.json} and loaded by name with {@link SdcProfiles#named}.
 *
 * @param name the profile's name, e.g. {@code default}
 * @param threshold N: a cell describing 1..N−1 persons fails the threshold rule; a regression with
 *     fewer than {@code residualDfMinimum} residual degrees of freedom fails
 * @param dominanceN n of the (n, k) dominance rule: how many of the largest person contributions
 * @param dominanceK k of the (n, k) rule, in (0, 1]: the cell fails when its n largest person
 *     contributions exceed k × the cell total
 * @param pPercent p of the p%-rule as a fraction in [0, 1): the cell fails when
 *     total − largest − second largest &lt; p × largest
 * @param zerosDisclosive whether a cell with no persons fails the zero rule
 * @param allowMinMax whether minimum and maximum cells may be released
 * @param minFacilities a cell with fewer distinct facilities fails; 0 switches the rule off
 * @param residualDfMinimum the smallest residual degrees of freedom a regression may have
 * @param roundingBase counts are released rounded to the nearest multiple of this; 1 means no
 *     rounding
 * @param redactionThreshold counts of at most this many persons are redacted before rounding; 0
 *     means no redaction. A profile with rounding or redaction mitigates by redaction, rounding and
 *     recomputed totals instead of secondary suppression.
 * @param protectionLevel fraction of a suppressed cell's value that the attacker's feasible
 *     interval must at least span, in [0, 1]
 */
public record SdcProfile(
        String name,
        int threshold,
        int dominanceN,
        double dominanceK,
        double pPercent,
        boolean zerosDisclosive,
        boolean allowMinMax,
        int minFacilities,
        int residualDfMinimum,
        int roundingBase,
        int redactionThreshold,
        double protectionLevel) {

    public SdcProfile {
        requireNonNull(name, "name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name is blank");
        }
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1: " + threshold);
        }
        if (dominanceN < 1 || dominanceN > CellEvidence.TOP_CONTRIBUTIONS) {
            throw new IllegalArgumentException(
                    "dominanceN must be in 1.." + CellEvidence.TOP_CONTRIBUTIONS + ": " + dominanceN);
        }
        if (!(dominanceK > 0 && dominanceK <= 1)) {
            throw new IllegalArgumentException("dominanceK must be in (0, 1]: " + dominanceK);
        }
        if (!(pPercent >= 0 && pPercent < 1)) {
            throw new IllegalArgumentException("pPercent must be in [0, 1): " + pPercent);
        }
        if (minFacilities < 0) {
            throw new IllegalArgumentException("minFacilities must not be negative: " + minFacilities);
        }
        if (residualDfMinimum < 0) {
            throw new IllegalArgumentException("residualDfMinimum must not be negative: " + residualDfMinimum);
        }
        if (roundingBase < 1) {
            throw new IllegalArgumentException("roundingBase must be at least 1: " + roundingBase);
        }
        if (redactionThreshold < 0) {
            throw new IllegalArgumentException("redactionThreshold must not be negative: " + redactionThreshold);
        }
        if (!(protectionLevel >= 0 && protectionLevel <= 1)) {
            throw new IllegalArgumentException("protectionLevel must be in [0, 1]: " + protectionLevel);
        }
    }

    /** Whether this profile mitigates by redaction and rounding (OpenSAFELY style). */
    public boolean mitigatesByRounding() {
        return roundingBase > 1 || redactionThreshold > 0;
    }
}
