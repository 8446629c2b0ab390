package org.spe.workspace.data;

import java.nio.ByteBuffer;
import org.apache.spark.sql.api.java.UDF1;

/**
 * The per-person date offset of an ANONYMISED extract: a day count in [-maxShiftDays, maxShiftDays]
 * taken from HMAC-SHA256(per-permit key, person ID), so every date of one person moves by the same
 * amount (intervals are kept) and the offsets cannot be recomputed without the key. A Spark UDF;
 * thread-safe. Null in, null out.
 */
final class DateShiftFunction implements UDF1<String, Integer> {
    private static final long serialVersionUID = 1L;
    private final HmacPseudonymFunction hmac;
    private final int maxShiftDays;

    DateShiftFunction(byte[] key, int maxShiftDays) {
        if (maxShiftDays < 1) {
            throw new IllegalArgumentException("maxShiftDays must be at least 1: " + maxShiftDays);
        }
        this.hmac = new HmacPseudonymFunction(key);
        this.maxShiftDays = maxShiftDays;
    }

    @Override
    public Integer call(String personId) {
        if (personId == null) {
            return null;
        }
        long value = ByteBuffer.wrap(hmac.digest(personId)).getInt() & 0xFFFFFFFFL;
        return (int) (value % (2L * maxShiftDays + 1)) - maxShiftDays;
    }
}
