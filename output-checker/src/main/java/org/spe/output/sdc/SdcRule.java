package org.spe.output.sdc;

/** The automatic rules. {@link #id()} is the name used in reports. */
public enum SdcRule {
    THRESHOLD("threshold"),
    DOMINANCE_NK("dominance-nk"),
    DOMINANCE_P("dominance-p"),
    ZERO("zero"),
    NEGATIVE("negative"),
    MISSING("missing"),
    MIN_MAX("min-max"),
    FACILITIES("facilities"),
    RESIDUAL_DF("residual-df"),
    RECORD_LEVEL("record-level"),
    FREE_FORM("free-form"),
    DIFFERENCING("differencing");

    private final String id;

    SdcRule(String id) {
        this.id = id;
    }

    /** The lower-case name used in reports. */
    public String id() {
        return id;
    }
}
