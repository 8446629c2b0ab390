package org.spe.output.sdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntDoubleMapTest {

    @Test
    void sumsPerKeyLikeAHashMapAcrossGrowthAndExtremeKeys() {
        IntDoubleMap map = new IntDoubleMap();
        Map<Integer, Double> expected = new HashMap<>();
        SplittableRandom random = new SplittableRandom(3);
        int[] extremes = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
        for (int i = 0; i < 50_000; i++) {
            int key = i % 10 == 0 ? extremes[i % 4] : random.nextInt(20_000);
            double value = random.nextInt(100);
            map.add(key, value);
            expected.merge(key, value, Double::sum);
        }
        map.ensureCapacity(100_000);
        Map<Integer, Double> actual = new HashMap<>();
        map.forEach(actual::put);
        assertThat(actual).isEqualTo(expected);
        assertThat(map.size()).isEqualTo(expected.size());
    }
}
