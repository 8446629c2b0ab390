package org.spe.core.permit;

/** Whether a permit grants anonymised data (匿名化情報) or pseudonymised data (仮名化情報). */
public enum DataLevel {
    ANONYMISED,
    PSEUDONYMISED
}
