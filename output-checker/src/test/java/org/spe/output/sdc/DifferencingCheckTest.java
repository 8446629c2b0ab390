package org.spe.output.sdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

class DifferencingCheckTest {
    private static final CellKey WOMEN = CellKey.of(List.of("F"), List.of());
    private static final CellKey WOMEN_OVER_40 = CellKey.of(List.of("F", "40+"), List.of());

    @Test
    void flagsACellThatDiffersFromAReleasedCellByFewerThanThresholdPersons() {
        var released = new DifferencingCheck.Populations("table-1.csv", Map.of(WOMEN, RoaringBitmap.bitmapOfRange(0, 100)));
        var fresh = new DifferencingCheck.Populations("table-2.csv", Map.of(WOMEN_OVER_40, RoaringBitmap.bitmapOfRange(0, 97)));

        List<DifferencingCheck.Finding> findings = new DifferencingCheck(10).check(fresh, List.of(released));

        assertThat(findings).singleElement().satisfies(finding -> {
            assertThat(finding.newOutput()).isEqualTo("table-2.csv");
            assertThat(finding.releasedOutput()).isEqualTo("table-1.csv");
            assertThat(finding.newCell()).isEqualTo(WOMEN_OVER_40);
            assertThat(finding.releasedCell()).isEqualTo(WOMEN);
            assertThat(finding.onlyInNew()).isZero();
            assertThat(finding.onlyInReleased()).isEqualTo(3);
            RuleBreach breach = finding.toBreach();
            assertThat(breach.rule()).isEqualTo(SdcRule.DIFFERENCING);
            assertThat(breach.status()).isEqualTo(CheckStatus.FAIL);
            assertThat(breach.detail()).contains("table-1.csv").contains("table-2.csv");
        });
    }

    @Test
    void boundariesAreOneAndThresholdMinusOne() {
        RoaringBitmap base = RoaringBitmap.bitmapOfRange(0, 100);
        DifferencingCheck check = new DifferencingCheck(10);
        var released = new DifferencingCheck.Populations("old", Map.of(WOMEN, base));
        for (int difference : new int[] {0, 1, 9, 10, 11}) {
            var fresh = new DifferencingCheck.Populations("new",
                    Map.of(WOMEN, RoaringBitmap.bitmapOfRange(0, 100 + difference)));
            boolean flagged = !check.check(fresh, List.of(released)).isEmpty();
            assertThat(flagged).as("difference %d", difference).isEqualTo(difference >= 1 && difference <= 9);
        }
    }

    @Test
    void disjointPopulationsAreNotFlagged() {
        var released = new DifferencingCheck.Populations("old", Map.of(WOMEN, RoaringBitmap.bitmapOfRange(0, 5)));
        var fresh = new DifferencingCheck.Populations("new", Map.of(WOMEN, RoaringBitmap.bitmapOfRange(100, 103)));
        assertThat(new DifferencingCheck(10).check(fresh, List.of(released))).isEmpty();
    }

    @Test
    void comparesWithEveryReleasedTable() {
        var first = new DifferencingCheck.Populations("a", Map.of(WOMEN, RoaringBitmap.bitmapOfRange(0, 50)));
        var second = new DifferencingCheck.Populations("b", Map.of(WOMEN, RoaringBitmap.bitmapOfRange(0, 52)));
        var fresh = new DifferencingCheck.Populations("new", Map.of(WOMEN, RoaringBitmap.bitmapOfRange(0, 51)));
        assertThat(new DifferencingCheck(10).check(fresh, List.of(first, second)))
                .extracting(DifferencingCheck.Finding::releasedOutput).containsExactly("a", "b");
    }

    @Test
    void pseudonymDictionaryGivesTheSameIntsAcrossReleases() {
        PseudonymDictionary dictionary = new PseudonymDictionary();
        RoaringBitmap first = dictionary.bitmapOf(List.of("p-a", "p-b", "p-c", "p-d", "p-e", "p-f", "p-g", "p-h", "p-i", "p-j", "p-k"));
        PseudonymDictionary restored = new PseudonymDictionary(dictionary.snapshot());
        RoaringBitmap second = restored.bitmapOf(List.of("p-a", "p-b", "p-c", "p-d", "p-e", "p-f", "p-g", "p-h", "p-i", "p-j"));
        assertThat(restored.idOf("p-new")).isEqualTo(11);

        List<DifferencingCheck.Finding> findings = new DifferencingCheck(10).check(
                new DifferencingCheck.Populations("new", Map.of(WOMEN, second)),
                List.of(new DifferencingCheck.Populations("old", Map.of(WOMEN, first))));
        assertThat(findings).singleElement().extracting(DifferencingCheck.Finding::onlyInReleased).isEqualTo(1L);
    }
}
