package org.spe.output.sdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.spe.output.sdc.Evidences.contributions;
import static org.spe.output.sdc.Evidences.ones;
import static org.spe.output.sdc.Evidences.persons;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CellRulesTest {
    private static final SdcProfile DEFAULT = SdcProfiles.defaultProfile();

    private static List<SdcRule> rules(CellEvidence evidence, Aggregation aggregation, SdcProfile profile) {
        return CellRules.evaluate(evidence, aggregation, profile).stream().map(RuleBreach::rule).toList();
    }

    @ParameterizedTest
    @CsvSource({"9, true", "10, false", "11, false", "1, true"})
    void thresholdFailsBelowTen(int n, boolean fails) {
        List<RuleBreach> breaches = CellRules.evaluate(persons(n), Aggregation.COUNT, DEFAULT);
        if (fails) {
            assertThat(breaches).singleElement().satisfies(breach -> {
                assertThat(breach.rule()).isEqualTo(SdcRule.THRESHOLD);
                assertThat(breach.status()).isEqualTo(CheckStatus.FAIL);
                assertThat(breach.numbers()).containsEntry("persons", (double) n).containsEntry("threshold", 10.0);
            });
        } else {
            assertThat(breaches).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource({"19, true", "20, false", "21, false"})
    void tierThreeThresholdIsTwenty(int n, boolean fails) {
        assertThat(rules(persons(n), Aggregation.COUNT, SdcProfiles.named("tier3")).contains(SdcRule.THRESHOLD))
                .isEqualTo(fails);
    }

    @ParameterizedTest
    @CsvSource({"7, true", "8, false", "9, false"})
    void openSafelyThresholdFailsCountsOfSevenOrLess(int n, boolean fails) {
        assertThat(rules(persons(n), Aggregation.COUNT, SdcProfiles.named("opensafely")).contains(SdcRule.THRESHOLD))
                .isEqualTo(fails);
    }

    @Test
    void zeroCellsFailWhenZerosAreDisclosiveAndNotOtherwise() {
        assertThat(rules(persons(0), Aggregation.COUNT, DEFAULT)).containsExactly(SdcRule.ZERO);
        assertThat(rules(persons(0), Aggregation.COUNT, Evidences.zerosAllowed(DEFAULT))).isEmpty();
    }

    @Test
    void dominanceNkPassesExactlyAtTheLimit() {
        // two largest 45 + 45 = 90 = 0.9 × total 100; remainder 10 ≥ 0.1 × 45
        CellEvidence atLimit = contributions(ones(0, 45, 45, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25));
        assertThat(atLimit.sum()).isEqualTo(100.0);
        assertThat(rules(atLimit, Aggregation.SUM, DEFAULT)).isEmpty();
    }

    @Test
    void dominanceNkFailsJustOverTheLimit() {
        CellEvidence over = contributions(ones(0, 45, 45.01, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25));
        List<RuleBreach> breaches = CellRules.evaluate(over, Aggregation.SUM, DEFAULT);
        assertThat(breaches).extracting(RuleBreach::rule).containsExactly(SdcRule.DOMINANCE_NK);
        assertThat(breaches.get(0).numbers())
                .containsEntry("n", 2.0)
                .containsEntry("k", 0.9);
        assertThat(breaches.get(0).numbers().get("total")).isCloseTo(100.01, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(breaches.get(0).numbers().get("largestSum")).isCloseTo(90.01, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void pPercentPassesExactlyAtTheLimit() {
        // largest 100, second 1.25, remainder 8 × 1.25 = 10 = 0.1 × 100; k = 1 switches the nk-rule off
        SdcProfile pOnly = Evidences.withK(DEFAULT, 1.0);
        CellEvidence atLimit = contributions(100, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25);
        assertThat(rules(atLimit, Aggregation.SUM, pOnly)).isEmpty();
    }

    @Test
    void pPercentFailsJustUnderTheLimit() {
        SdcProfile pOnly = Evidences.withK(DEFAULT, 1.0);
        // remainder 7 × 1.25 + 1.24 = 9.99 < 0.1 × 100
        CellEvidence under = contributions(100, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.24);
        List<RuleBreach> breaches = CellRules.evaluate(under, Aggregation.MEAN, pOnly);
        assertThat(breaches).extracting(RuleBreach::rule).containsExactly(SdcRule.DOMINANCE_P);
        assertThat(breaches.get(0).numbers()).containsEntry("largest", 100.0).containsEntry("second", 1.25)
                .containsEntry("p", 0.1);
    }

    @Test
    void dominanceSumsContributionsPerPersonFirst() {
        EvidenceAccumulator accumulator = new EvidenceAccumulator(false, false);
        for (int row = 0; row < 10; row++) {
            accumulator.addValue(0, 0, 10); // one person, ten rows of 10
        }
        for (int person = 1; person < 10; person++) {
            accumulator.addValue(person, 0, 1);
        }
        CellEvidence evidence = accumulator.toEvidence();
        assertThat(evidence.rows()).isEqualTo(19);
        assertThat(evidence.persons()).isEqualTo(10);
        assertThat(evidence.largest()).isEqualTo(100.0);
        assertThat(evidence.secondLargest()).isEqualTo(1.0);
        // counted per row the two largest would be 20 of 109 and pass; per person they are 101 of 109
        assertThat(rules(evidence, Aggregation.SUM, DEFAULT))
                .containsExactly(SdcRule.DOMINANCE_NK, SdcRule.DOMINANCE_P);
    }

    @Test
    void negativeValuesNeedReviewAndSkipDominance() {
        CellEvidence evidence = contributions(ones(9, 1000, -5));
        List<RuleBreach> breaches = CellRules.evaluate(evidence, Aggregation.SUM, DEFAULT);
        assertThat(breaches).extracting(RuleBreach::rule).containsExactly(SdcRule.NEGATIVE);
        assertThat(breaches.get(0).status()).isEqualTo(CheckStatus.REVIEW);
        assertThat(breaches.get(0).numbers()).containsEntry("negatives", 1.0);
    }

    @Test
    void missingValuesNeedReview() {
        EvidenceAccumulator accumulator = new EvidenceAccumulator(false, false);
        for (int person = 0; person < 10; person++) {
            accumulator.addValue(person, 0, 5);
        }
        accumulator.addMissing(10, 0);
        accumulator.addMissing(10, 0);
        List<RuleBreach> breaches = CellRules.evaluate(accumulator.toEvidence(), Aggregation.MEAN, DEFAULT);
        assertThat(breaches).extracting(RuleBreach::rule).containsExactly(SdcRule.MISSING);
        assertThat(breaches.get(0).status()).isEqualTo(CheckStatus.REVIEW);
        assertThat(breaches.get(0).numbers()).containsEntry("missing", 2.0);
    }

    @Test
    void minimumAndMaximumFailUnlessTheProfileAllowsThem() {
        CellEvidence evidence = contributions(ones(20));
        assertThat(rules(evidence, Aggregation.MIN, DEFAULT)).containsExactly(SdcRule.MIN_MAX);
        assertThat(rules(evidence, Aggregation.MAX, DEFAULT)).containsExactly(SdcRule.MIN_MAX);
        assertThat(rules(evidence, Aggregation.MAX, Evidences.allowingMinMax(DEFAULT))).isEmpty();
        assertThat(rules(evidence, Aggregation.MEAN, DEFAULT)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"2, true", "3, false", "4, false"})
    void ndbNeedsThreeFacilities(int facilities, boolean fails) {
        EvidenceAccumulator accumulator = new EvidenceAccumulator(true, false);
        for (int person = 0; person < 12; person++) {
            accumulator.addRow(person, person % facilities);
        }
        CellEvidence evidence = accumulator.toEvidence();
        assertThat(evidence.facilities()).isEqualTo(OptionalLong.of(facilities));
        List<RuleBreach> breaches = CellRules.evaluate(evidence, Aggregation.COUNT, SdcProfiles.named("ndb"));
        assertThat(breaches.stream().anyMatch(b -> b.rule() == SdcRule.FACILITIES && b.status() == CheckStatus.FAIL))
                .isEqualTo(fails);
        assertThat(rules(evidence, Aggregation.COUNT, DEFAULT)).isEmpty();
    }

    @Test
    void ndbWithoutFacilityEvidenceNeedsReview() {
        List<RuleBreach> breaches = CellRules.evaluate(persons(12), Aggregation.COUNT, SdcProfiles.named("ndb"));
        assertThat(breaches).singleElement().satisfies(breach -> {
            assertThat(breach.rule()).isEqualTo(SdcRule.FACILITIES);
            assertThat(breach.status()).isEqualTo(CheckStatus.REVIEW);
        });
    }

    @Test
    void ndbFailsNinePersonsEvenInManyFacilities() {
        EvidenceAccumulator accumulator = new EvidenceAccumulator(true, false);
        for (int person = 0; person < 9; person++) {
            accumulator.addRow(person, person);
        }
        assertThat(rules(accumulator.toEvidence(), Aggregation.COUNT, SdcProfiles.named("ndb")))
                .containsExactly(SdcRule.THRESHOLD);
    }

    @Test
    void tierThreeDominanceIsStricter() {
        // two largest 85 of 95: passes k = 0.9, fails tier3's k = 0.8
        CellEvidence evidence = contributions(ones(0, 45, 40, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.25,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(evidence.persons()).isEqualTo(23);
        assertThat(rules(evidence, Aggregation.SUM, DEFAULT)).isEmpty();
        assertThat(rules(evidence, Aggregation.SUM, SdcProfiles.named("tier3")))
                .contains(SdcRule.DOMINANCE_NK);
    }
}
