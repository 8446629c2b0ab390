package org.spe.output.sdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OutputCheckersTest {
    private static final SdcProfile DEFAULT = SdcProfiles.defaultProfile();

    @ParameterizedTest
    @CsvSource({"9, FAIL", "10, PASS", "11, PASS"})
    void regressionNeedsTenResidualDegreesOfFreedom(long df, CheckStatus expected) {
        OutputCheck check = OutputCheckers.regression("model.txt", 50, df, DEFAULT);
        assertThat(check.type()).isEqualTo(OutputType.REGRESSION);
        assertThat(check.status()).isEqualTo(expected);
        if (expected == CheckStatus.FAIL) {
            assertThat(check.cells().get(0).breaches()).singleElement().satisfies(breach -> {
                assertThat(breach.rule()).isEqualTo(SdcRule.RESIDUAL_DF);
                assertThat(breach.numbers()).containsEntry("residualDf", (double) df).containsEntry("residualDfMinimum", 10.0);
            });
        }
    }

    @Test
    void tierThreeRegressionNeedsTwenty() {
        assertThat(OutputCheckers.regression("m", 100, 19, SdcProfiles.named("tier3")).status()).isEqualTo(CheckStatus.FAIL);
        assertThat(OutputCheckers.regression("m", 100, 20, SdcProfiles.named("tier3")).status()).isEqualTo(CheckStatus.PASS);
    }

    @Test
    void survivalTableFailsTimePointsWithFewAtRisk() {
        OutputCheck check = OutputCheckers.survival("km.csv", List.of(
                new OutputCheckers.SurvivalPoint("0", 120),
                new OutputCheckers.SurvivalPoint("12", 40),
                new OutputCheckers.SurvivalPoint("24", 9)), DEFAULT);
        assertThat(check.type()).isEqualTo(OutputType.SURVIVAL);
        assertThat(check.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(check.cells()).extracting(CellResult::status)
                .containsExactly(CheckStatus.PASS, CheckStatus.PASS, CheckStatus.FAIL);
        assertThat(check.cells().get(2).key().row()).containsExactly("24");
    }

    @Test
    void histogramChecksEveryBin() {
        Map<String, Long> bins = new LinkedHashMap<>();
        bins.put("0-10", 25L);
        bins.put("10-20", 3L);
        bins.put("20-30", 0L);
        OutputCheck check = OutputCheckers.histogram("hist.png", bins, DEFAULT);
        assertThat(check.type()).isEqualTo(OutputType.HISTOGRAM);
        assertThat(check.cells()).extracting(c -> c.breaches().stream().map(RuleBreach::rule).toList())
                .containsExactly(List.of(), List.of(SdcRule.THRESHOLD), List.of(SdcRule.ZERO));
    }

    @Test
    void freeFormAlwaysNeedsReview() {
        OutputCheck check = OutputCheckers.freeForm("notes.md", DEFAULT);
        assertThat(check.status()).isEqualTo(CheckStatus.REVIEW);
        assertThat(check.breaches()).extracting(RuleBreach::rule).containsExactly(SdcRule.FREE_FORM);
    }
}
