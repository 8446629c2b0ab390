package org.spe.output.sdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordLevelDetectorTest {
    private static final SdcProfile DEFAULT = SdcProfiles.defaultProfile();

    @Test
    void aggregateTablePasses() {
        List<List<String>> rows = new ArrayList<>();
        for (int age = 0; age < 20; age++) {
            for (String sex : List.of("F", "M")) {
                rows.add(List.of(sex, age * 5 + "-" + (age * 5 + 4), String.valueOf(100 + age), String.valueOf(12345.5 + age)));
            }
        }
        OutputCheck check = RecordLevelDetector.inspect("table.csv", List.of("sex", "age_band", "n", "mean_cost"), rows, DEFAULT);
        assertThat(check.status()).isEqualTo(CheckStatus.PASS);
        assertThat(check.type()).isEqualTo(OutputType.FILE);
    }

    @Test
    void microdataWithPseudonymsFails() {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rows.add(List.of(String.format("a%015x", i * 7919L), i % 2 == 0 ? "F" : "M", String.valueOf(1000 + i)));
        }
        OutputCheck check = RecordLevelDetector.inspect("extract.csv", List.of("key", "sex", "cost"), rows, DEFAULT);
        assertThat(check.status()).isEqualTo(CheckStatus.FAIL);
        assertThat(check.breaches()).singleElement().satisfies(breach -> {
            assertThat(breach.rule()).isEqualTo(SdcRule.RECORD_LEVEL);
            assertThat(breach.detail()).contains("'key'").contains("identifiers");
            assertThat(breach.numbers()).containsEntry("distinctShare", 1.0);
        });
    }

    @Test
    void personIdColumnFailsByName() {
        OutputCheck check = RecordLevelDetector.inspect("x.csv", List.of("person_id", "n"),
                List.of(List.of("1", "2")), DEFAULT);
        assertThat(check.breaches()).extracting(RuleBreach::detail).anyMatch(d -> d.contains("person identifier"));
    }

    @Test
    void datesOfBirthFail() {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(List.of(String.format("19%02d-%02d-%02d", 40 + i, 1 + i % 12, 1 + i % 28), "F"));
        }
        assertThat(RecordLevelDetector.inspect("x.csv", List.of("born", "sex"), rows, DEFAULT).breaches())
                .extracting(RuleBreach::detail).anyMatch(d -> d.contains("full dates"));
        assertThat(RecordLevelDetector.inspect("x.csv", List.of("date_of_birth", "sex"), rows, DEFAULT).breaches())
                .extracting(RuleBreach::detail).anyMatch(d -> d.contains("date of birth"));
    }

    @Test
    void freeTextFails() {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(List.of("patient complained of chest pain after visit number " + i, "1"));
        }
        assertThat(RecordLevelDetector.inspect("notes.csv", List.of("note", "n"), rows, DEFAULT).breaches())
                .extracting(RuleBreach::detail).anyMatch(d -> d.contains("free text"));
    }
}
