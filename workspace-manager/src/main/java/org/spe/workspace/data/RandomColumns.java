package org.spe.workspace.data;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import org.apache.spark.sql.Column;

/**
 * Deterministic pseudo-random Spark expressions: every value is a hash of the seed, a salt naming
 * the draw and the row's key columns, so a row gets the same values whatever the partitioning and
 * however often it is recomputed. Expressions avoid integer overflow and out-of-range indices, so
 * they also run under ANSI mode. Stateless and thread-safe.
 */
final class RandomColumns {
    private static final double TWO_TO_53 = 9007199254740992.0;
    private final long seed;

    RandomColumns(long seed) {
        this.seed = seed;
    }

    /** A uniform double in the open interval (0, 1) for the salt and keys. */
    Column uniform(String salt, Column... keys) {
        Column[] inputs = new Column[keys.length + 2];
        inputs[0] = lit(seed);
        inputs[1] = lit(salt);
        System.arraycopy(keys, 0, inputs, 2, keys.length);
        return shiftrightunsigned(xxhash64(inputs), 11).cast("double").plus(0.5).divide(TWO_TO_53);
    }

    /** A standard normal value (Box–Muller over two uniforms). */
    Column normal(String salt, Column... keys) {
        return sqrt(log(uniform(salt + ".a", keys)).multiply(-2.0)).multiply(cos(uniform(salt + ".b", keys).multiply(2 * Math.PI)));
    }

    /** An index in [0, n) drawn uniformly. */
    static Column uniformIndex(Column uniform, int n) {
        return least(floor(uniform.multiply((double) n)), lit((long) n - 1)).cast("int");
    }

    /** An index in [0, n) drawn log-uniformly (Zipf-like, P(k) roughly proportional to 1/(k+1)). */
    static Column zipfIndex(Column uniform, long n) {
        return least(floor(pow(lit((double) n + 1), uniform)).minus(1), lit(n - 1));
    }

    /** One of the values, at a 0-based index column. */
    static Column pick(String[] values, Column index) {
        Column[] literals = Arrays.stream(values).map(v -> lit(v)).toArray(Column[]::new);
        return element_at(array(literals), index.cast("int").plus(1));
    }
}
