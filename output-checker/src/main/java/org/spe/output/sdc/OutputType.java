package org.spe.output.sdc;

/** The kinds of output a release request may hold; each has a checker returning an {@link OutputCheck}. */
public enum OutputType {
    TABLE,
    REGRESSION,
    SURVIVAL,
    HISTOGRAM,
    FREE_FORM,
    FILE
}
