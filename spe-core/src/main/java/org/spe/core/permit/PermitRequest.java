package org.spe.core.permit;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/** What a data steward records for a new permit; the service adds ID, version, state and author. */
public record PermitRequest(
        String title,
        String purpose,
        PurposeCategory category,
        DataLevel level,
        Optional<String> pseudonymisationJustification,
        List<String> researchers,
        List<PermitDataset> datasets,
        List<Linkage> linkages,
        LocalDate validFrom,
        LocalDate validUntil,
        ComputeQuota quota,
        String sdcProfile,
        int kAnonymity) {

    public PermitRequest {
        requireNonNull(pseudonymisationJustification, "pseudonymisationJustification is null");
        researchers = List.copyOf(requireNonNull(researchers, "researchers is null"));
        datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
        linkages = List.copyOf(requireNonNull(linkages, "linkages is null"));
    }
}
