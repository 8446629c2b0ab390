package org.spe.workspace.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitState;
import org.spe.core.permit.PurposeCategory;

class FeeTableTest {
    private static Permit permit(List<String> researchers, LocalDate from, LocalDate until) {
        return new Permit("P-1", 1, "Study", "Outcomes of chronic disease care", PurposeCategory.A_PUBLIC_HEALTH, DataLevel.ANONYMISED,
                Optional.empty(), researchers, List.of(new PermitDataset("ndb_claims", List.of("age_band"), List.of())), List.of(), from, until,
                new ComputeQuota(2, 4, 0, 10, 100, 0), "ndb", 10, PermitState.ACTIVE, Instant.parse("2026-01-01T00:00:00Z"), "sam");
    }

    @Test
    void beforeUseTheEstimateIsThePlanWithTheNdbFigures() {
        // Two researchers for one year: two 183-day periods each.
        FeeTable.Estimate estimate = FeeTable.ndb().estimate(permit(List.of("alice", "bob"), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 12, 31)),
                0, 0, 0, 0);

        assertThat(estimate.lines()).extracting(FeeTable.Line::item, FeeTable.Line::yen).containsExactly(
                org.assertj.core.groups.Tuple.tuple("base", 162_100L),
                org.assertj.core.groups.Tuple.tuple("adjustment", 17_200L),
                org.assertj.core.groups.Tuple.tuple("extraction", 58_300L),
                org.assertj.core.groups.Tuple.tuple("extractionVolume", 0L),
                org.assertj.core.groups.Tuple.tuple("analysisEnvironment", 4 * 5_355_200L));
        assertThat(estimate.totalYen()).isEqualTo(162_100 + 17_200 + 58_300 + 4 * 5_355_200L);
    }

    @Test
    void duringUseMeasuredExtractsVolumeAndComputeCount() {
        FeeTable table = new FeeTable(100, 10, 1, 1_000, 2, 2_700, 50_000, 183, 30, 300);

        FeeTable.Estimate estimate = table.estimate(permit(List.of("alice"), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 3, 31)),
                2, 1_500_000_000L, 7_200, 1_800);

        assertThat(estimate.lines()).extracting(FeeTable.Line::item, FeeTable.Line::quantity, FeeTable.Line::yen).containsExactly(
                org.assertj.core.groups.Tuple.tuple("base", 1.0, 100L),
                org.assertj.core.groups.Tuple.tuple("adjustment", 1.0, 10L),
                org.assertj.core.groups.Tuple.tuple("extraction", 4.0, 4_000L),
                org.assertj.core.groups.Tuple.tuple("extractionVolume", 1.5, 4_050L),
                org.assertj.core.groups.Tuple.tuple("analysisEnvironment", 1.0, 50_000L),
                org.assertj.core.groups.Tuple.tuple("cpu", 2.0, 60L),
                org.assertj.core.groups.Tuple.tuple("gpu", 0.5, 150L));
        assertThat(estimate.totalYen()).isEqualTo(100 + 10 + 4_000 + 4_050 + 50_000 + 60 + 150);
    }

    @Test
    void badFeesAndUsageAreRefused() {
        assertThatThrownBy(() -> new FeeTable(-1, 0, 0, 0, 0, 0, 0, 183, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> new FeeTable(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("environmentPeriodDays");
        assertThatThrownBy(() -> FeeTable.ndb().estimate(permit(List.of("alice"), LocalDate.of(2026, 1, 1), LocalDate.of(2026, 2, 1)), -1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
