package org.spe.core.permit;

/** The purpose category of a permit (利用目的の類型). */
public enum PurposeCategory {
    /** A: public health (公衆衛生). */
    A_PUBLIC_HEALTH,
    /** B: quality and safety of care (医療の質・安全). */
    B_QUALITY_AND_SAFETY,
    /** C: research and development, including industry (研究開発). */
    C_RESEARCH_AND_DEVELOPMENT
}
