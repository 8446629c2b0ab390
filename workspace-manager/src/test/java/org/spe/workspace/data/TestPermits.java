package org.spe.workspace.data;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.Linkage;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitState;
import org.spe.core.permit.PurposeCategory;

/** Permits for data-plane tests. */
final class TestPermits {
    private TestPermits() {}

    static Permit pseudonymised(String id, List<PermitDataset> datasets, List<Linkage> linkages) {
        return permit(id, DataLevel.PSEUDONYMISED, datasets, linkages, 1);
    }

    static Permit anonymised(String id, List<PermitDataset> datasets, int k) {
        return permit(id, DataLevel.ANONYMISED, datasets, List.of(), k);
    }

    static Permit permit(String id, DataLevel level, List<PermitDataset> datasets, List<Linkage> linkages, int k) {
        return new Permit(id, 1, "Test study " + id, "Outcomes of chronic disease care", PurposeCategory.A_PUBLIC_HEALTH, level,
                level == DataLevel.PSEUDONYMISED ? Optional.of("Linkage across sources needs person-level records") : Optional.empty(),
                List.of("alice"), datasets, linkages, LocalDate.of(2026, 1, 1), LocalDate.of(2027, 12, 31),
                new ComputeQuota(2, 8, 0, 10, 100, 0), "ndb-default", k, PermitState.ACTIVE, Instant.parse("2026-01-01T00:00:00Z"), "sam");
    }

    static PermitDataset dataset(String id, String... columns) {
        return new PermitDataset(id, List.of(columns), List.of());
    }
}
