package org.spe.output.sdc;

/** The verdict on a cell or an output. Ordered from best to worst. */
public enum CheckStatus {
    /** No rule broken. */
    PASS,
    /** A human output checker must decide (undefined rules, mitigated tables, free-form files). */
    REVIEW,
    /** A rule is broken; the output must not be released as it is. */
    FAIL;

    /** The worse of the two. */
    public CheckStatus worst(CheckStatus other) {
        return other.ordinal() > ordinal() ? other : this;
    }
}
