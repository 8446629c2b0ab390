package org.spe.workspace.kubernetes;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.spe.core.permit.ComputeQuota;
import org.spe.core.permit.DataLevel;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitDataset;
import org.spe.core.permit.PermitState;
import org.spe.core.permit.PurposeCategory;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.lifecycle.WorkspaceState;

/** Settings, permits and workspaces for the Kubernetes backend's tests. */
final class KubernetesFixtures {
    static final String IMAGE = "registry.spe.example/spe-workspace@sha256:" + "ab".repeat(32);
    static final Path EXTRACTS = Path.of("/var/lib/spe/extracts");

    private KubernetesFixtures() {}

    static KubernetesSettings settings() {
        return new KubernetesSettings("spe-ws-", "spe", 8080, "https://10.100.0.1:443", "10.0.0.0/24", IMAGE, Optional.of("gp3-encrypted"),
                "fs-0123.efs.ap-northeast-1.amazonaws.com", "/spe/extracts", 1, 2048, Duration.ofSeconds(5));
    }

    static Permit permit(String id, int version, ComputeQuota quota) {
        return new Permit(id, version, "Test study " + id, "Outcomes of chronic disease care", PurposeCategory.A_PUBLIC_HEALTH, DataLevel.ANONYMISED,
                Optional.empty(), List.of("alice"), List.of(new PermitDataset("ndb_claims", List.of("age_band"), List.of())), List.of(),
                LocalDate.of(2026, 1, 1), LocalDate.of(2027, 12, 31), quota, "ndb-default", 10, PermitState.ACTIVE,
                Instant.parse("2026-01-01T00:00:00Z"), "sam");
    }

    /** 2 cores, 8 GB, no GPU, 10 GB storage. */
    static Permit cpuPermit(String id) {
        return permit(id, 1, new ComputeQuota(2, 8, 0, 10, 100, 0));
    }

    /** 4 cores, 32 GB, 2 GPUs, 50 GB storage. */
    static Permit gpuPermit(String id) {
        return permit(id, 1, new ComputeQuota(4, 32, 2, 50, 100, 10));
    }

    static Workspace workspace(String id, Permit permit) {
        Instant now = Instant.parse("2026-06-01T09:00:00Z");
        return new Workspace(id, permit.id(), permit.version(), "alice", "study", WorkspaceState.PROVISIONING, Optional.empty(), now, now, now);
    }
}
