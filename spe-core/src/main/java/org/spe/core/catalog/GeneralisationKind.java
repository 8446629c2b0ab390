package org.spe.core.catalog;

import java.util.Set;

/**
 * How a column is generalised in an ANONYMISED extract, following the MHLW examples
 * (birth date to month, dates shifted, values top-coded, rare categories to その他).
 * Each kind names the parameters it accepts.
 */
public enum GeneralisationKind {
    /** A date becomes its year-month ("1957-03"). */
    DATE_TO_YEAR_MONTH(Set.of()),
    /** A birth date becomes a 5-year age band at a reference date ("40-44"). Parameter: referenceDate (ISO date, default the build date). */
    AGE_BAND_5_YEARS(Set.of("referenceDate")),
    /** A date is shifted by a per-person random offset. Parameter: maxShiftDays (default 30). */
    DATE_SHIFT(Set.of("maxShiftDays")),
    /** A number is top- and bottom-coded at quantiles. Parameters: lowerQuantile (default 0.01), upperQuantile (default 0.99). */
    TOP_BOTTOM_CODE(Set.of("lowerQuantile", "upperQuantile")),
    /** A category held by fewer than minPersons persons becomes "その他". Parameter: minPersons (default 10). */
    RARE_CATEGORY(Set.of("minPersons")),
    /** The column is removed. */
    DROP(Set.of());

    private final Set<String> parameters;

    GeneralisationKind(Set<String> parameters) {
        this.parameters = parameters;
    }

    /** The parameter names this kind accepts. */
    public Set<String> parameters() {
        return parameters;
    }
}
