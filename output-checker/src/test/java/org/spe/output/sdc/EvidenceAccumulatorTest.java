package org.spe.output.sdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class EvidenceAccumulatorTest {

    @Test
    void mergingPartitionsGivesTheEvidenceOfAllRows() {
        SplittableRandom random = new SplittableRandom(7);
        EvidenceAccumulator whole = new EvidenceAccumulator(true, true);
        EvidenceAccumulator[] partitions = {
            new EvidenceAccumulator(true, true), new EvidenceAccumulator(true, true), new EvidenceAccumulator(true, true)
        };
        for (int row = 0; row < 3000; row++) {
            int person = random.nextInt(200); // persons' rows spread over partitions
            int facility = random.nextInt(15);
            double value = random.nextInt(1000);
            whole.addValue(person, facility, value);
            partitions[row % 3].addValue(person, facility, value);
        }
        whole.addMissing(3, 1);
        partitions[1].addMissing(3, 1);
        CellEvidence merged = partitions[0].merge(partitions[1]).merge(partitions[2]).toEvidence();
        CellEvidence expected = whole.toEvidence();
        assertThat(merged.persons()).isEqualTo(expected.persons()).isEqualTo(200);
        assertThat(merged.rows()).isEqualTo(3001);
        assertThat(merged.topContributions()).isEqualTo(expected.topContributions());
        assertThat(merged.facilities()).isEqualTo(expected.facilities());
        assertThat(merged.missing()).isEqualTo(1);
        assertThat(merged.sum()).isEqualTo(expected.sum());
        assertThat(merged.median()).isEqualTo(expected.median());
        assertThat(merged.minimum()).isEqualTo(expected.minimum());
        assertThat(merged.maximum()).isEqualTo(expected.maximum());
        assertThat(merged.statistic(Aggregation.STD).getAsDouble())
                .isCloseTo(expected.statistic(Aggregation.STD).getAsDouble(), offset(1e-6));
    }

    @Test
    void perPersonSumsMatchABruteForceReferenceWhateverTheRowOrder() {
        SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 50; round++) {
            java.util.Map<Integer, Double> reference = new java.util.HashMap<>();
            EvidenceAccumulator[] parts = new EvidenceAccumulator[4];
            for (int p = 0; p < parts.length; p++) {
                parts[p] = new EvidenceAccumulator(false, false);
                // parts 0 and 1 share persons; parts 2 and 3 each have their own range
                int base = p < 2 ? 0 : p * 1000;
                int person = base;
                for (int row = 0; row < 300; row++) {
                    if (random.nextInt(3) == 0) {
                        person = base + random.nextInt(40); // runs, returns and jumps
                    }
                    double value = random.nextInt(500);
                    parts[p].addValue(person, 0, value);
                    reference.merge(person, value, Double::sum);
                }
                if (random.nextBoolean()) {
                    parts[p].toEvidence(); // evidence mid-stream must not disturb later rows
                    parts[p].addValue(base, 0, 7);
                    reference.merge(base, 7.0, Double::sum);
                }
            }
            EvidenceAccumulator merged = parts[2].merge(parts[3]).merge(parts[0]).merge(parts[1]);
            java.util.List<Double> expected = reference.values().stream()
                    .sorted(java.util.Comparator.reverseOrder()).limit(CellEvidence.TOP_CONTRIBUTIONS).toList();
            CellEvidence evidence = merged.toEvidence();
            assertThat(evidence.topContributions()).isEqualTo(expected);
            assertThat(evidence.persons()).isEqualTo(reference.size());
        }
    }

    @Test
    void survivesJavaSerializationForShippingBetweenWorkers() throws Exception {
        EvidenceAccumulator partial = new EvidenceAccumulator(true, true);
        partial.addValue(1, 2, 10);
        partial.addValue(1, 2, 5);
        partial.addValue(2, 3, 7);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(partial);
        }
        EvidenceAccumulator shipped;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (EvidenceAccumulator) in.readObject();
        }
        EvidenceAccumulator other = new EvidenceAccumulator(true, true);
        other.addValue(1, 4, 1);
        CellEvidence evidence = shipped.merge(other).toEvidence();
        assertThat(evidence.topContributions()).containsExactly(16.0, 7.0);
        assertThat(evidence.persons()).isEqualTo(2);
        assertThat(evidence.facilities()).hasValue(3);
        assertThat(evidence.median()).hasValue(6.0); // of 1, 5, 7, 10
    }

    @Test
    void computesEachStatistic() {
        EvidenceAccumulator accumulator = new EvidenceAccumulator(false, true);
        double[] values = {2, 4, 4, 4, 5, 5, 7, 9};
        for (int i = 0; i < values.length; i++) {
            accumulator.addValue(i % 5, 0, values[i]);
        }
        CellEvidence evidence = accumulator.toEvidence();
        assertThat(evidence.statistic(Aggregation.COUNT)).hasValue(5);
        assertThat(evidence.statistic(Aggregation.SUM)).hasValue(40);
        assertThat(evidence.statistic(Aggregation.MEAN)).hasValue(5);
        assertThat(evidence.statistic(Aggregation.MEDIAN)).hasValue(4.5);
        assertThat(evidence.statistic(Aggregation.STD).getAsDouble()).isCloseTo(Math.sqrt(32.0 / 7), offset(1e-12));
        assertThat(evidence.statistic(Aggregation.MIN)).hasValue(2);
        assertThat(evidence.statistic(Aggregation.MAX)).hasValue(9);
        // person 0 has rows 2 and 7 (index 0 and 5): 2 + 5 = 7; person 1: 4 + 7 = 11; person 2: 4 + 9 = 13
        assertThat(evidence.topContributions()).containsExactly(13.0, 11.0, 7.0, 5.0, 4.0);
    }

    @Test
    void emptyCellHasNoMeanAndZeroCount() {
        CellEvidence evidence = new EvidenceAccumulator(false, true).toEvidence();
        assertThat(evidence.statistic(Aggregation.COUNT)).hasValue(0);
        assertThat(evidence.statistic(Aggregation.MEAN)).isEmpty();
        assertThat(evidence.statistic(Aggregation.MEDIAN)).isEmpty();
    }

    @Test
    void rejectsNonFiniteValuesAndOverflowingSums() {
        EvidenceAccumulator accumulator = new EvidenceAccumulator(false, false);
        assertThatThrownBy(() -> accumulator.addValue(0, 0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not finite");
        accumulator.addValue(0, 0, Double.MAX_VALUE);
        accumulator.addValue(1, 0, Double.MAX_VALUE);
        assertThatThrownBy(accumulator::toEvidence)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflow");
    }
}
