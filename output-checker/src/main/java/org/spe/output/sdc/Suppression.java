package org.spe.output.sdc;

/** Why a released cell shows no value, or {@link #NONE}. */
public enum Suppression {
    /** Released. */
    NONE,
    /** Suppressed because the cell itself fails a rule. */
    PRIMARY,
    /** Suppressed so that primary suppressions cannot be recomputed from what is released. */
    SECONDARY,
    /** Redacted by a rounding profile (small count); totals are recomputed without it. */
    REDACTED
}
