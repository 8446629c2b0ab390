package org.spe.core.catalog;

/** How a column is classified for disclosure control. */
public enum ColumnClass {
    /** Names, insurer numbers and the like: never leaves the lake, whatever a permit says. */
    DIRECT_IDENTIFIER,
    /** The common person ID (linkage key): replaced by a per-permit pseudonym or removed. */
    PERSON_ID,
    /** Attributes that identify in combination (birth date, sex, prefecture). */
    QUASI_IDENTIFIER,
    /** Health information (diagnoses, drugs, stage). */
    SENSITIVE,
    /** Everything else. */
    OTHER
}
