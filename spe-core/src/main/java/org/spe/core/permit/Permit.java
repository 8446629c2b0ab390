package org.spe.core.permit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * A data-use permit (データ利用許可) as recorded by the data steward after the review body's
 * decision. Holds what the Five Safes need: the project (purpose, category), the people (named
 * researchers by unique user ID), the data (datasets, columns, row filters, linkages, level), the
 * setting (quota, validity) and the outputs (SDC profile, k for anonymised extracts).
 * Structural rules are checked here; rules that need the catalog are checked by the permit service.
 *
 * @param version increases by one with every change, so extracts can name the permit version they implement
 */
public record Permit(
        String id,
        int version,
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
        int kAnonymity,
        PermitState state,
        Instant createdAt,
        String createdBy) {

    public Permit {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        requireNonNull(purpose, "purpose is null");
        requireNonNull(category, "category is null");
        requireNonNull(level, "level is null");
        requireNonNull(pseudonymisationJustification, "pseudonymisationJustification is null");
        researchers = List.copyOf(requireNonNull(researchers, "researchers is null"));
        datasets = List.copyOf(requireNonNull(datasets, "datasets is null"));
        linkages = List.copyOf(requireNonNull(linkages, "linkages is null"));
        requireNonNull(validFrom, "validFrom is null");
        requireNonNull(validUntil, "validUntil is null");
        requireNonNull(quota, "quota is null");
        requireNonNull(sdcProfile, "sdcProfile is null");
        requireNonNull(state, "state is null");
        requireNonNull(createdAt, "createdAt is null");
        requireNonNull(createdBy, "createdBy is null");
        if (version < 1) {
            throw new IllegalArgumentException("version must be at least 1");
        }
        if (title.isBlank()) {
            throw new IllegalArgumentException("title must not be blank");
        }
        if (purpose.isBlank()) {
            throw new IllegalArgumentException("purpose must not be blank");
        }
        if (level == DataLevel.PSEUDONYMISED && pseudonymisationJustification.map(String::isBlank).orElse(true)) {
            throw new IllegalArgumentException("a PSEUDONYMISED permit needs a written justification that anonymised data would not serve the purpose");
        }
        if (researchers.isEmpty()) {
            throw new IllegalArgumentException("a permit must name at least one researcher");
        }
        if (new HashSet<>(researchers).size() != researchers.size()) {
            throw new IllegalArgumentException("a researcher is named twice");
        }
        if (datasets.isEmpty()) {
            throw new IllegalArgumentException("a permit must grant at least one dataset");
        }
        var datasetIds = new HashSet<String>();
        for (PermitDataset dataset : datasets) {
            if (!datasetIds.add(dataset.datasetId())) {
                throw new IllegalArgumentException("dataset " + dataset.datasetId() + " is granted twice");
            }
        }
        for (Linkage linkage : linkages) {
            if (!datasetIds.contains(linkage.firstDatasetId()) || !datasetIds.contains(linkage.secondDatasetId())) {
                throw new IllegalArgumentException("linkage " + linkage.firstDatasetId() + "↔" + linkage.secondDatasetId() + " names a dataset the permit does not grant");
            }
        }
        if (level == DataLevel.ANONYMISED && !linkages.isEmpty()) {
            throw new IllegalArgumentException("an ANONYMISED permit has no linkage key, so it cannot request linkages");
        }
        if (validUntil.isBefore(validFrom)) {
            throw new IllegalArgumentException("validUntil " + validUntil + " is before validFrom " + validFrom);
        }
        if (kAnonymity < 1) {
            throw new IllegalArgumentException("kAnonymity must be at least 1");
        }
    }

    /** Whether the user is named on this permit. */
    public boolean names(String userId) {
        return researchers.contains(userId);
    }

    /** Whether the permit is usable on {@code date}: usable state and inside the validity period. */
    public boolean usableOn(LocalDate date) {
        return PermitTransitions.usable(state) && !date.isBefore(validFrom) && !date.isAfter(validUntil);
    }

    public Optional<PermitDataset> dataset(String datasetId) {
        return datasets.stream().filter(d -> d.datasetId().equals(datasetId)).findFirst();
    }

    /** Whether the permit links the two datasets (in either order). */
    public boolean links(String firstDatasetId, String secondDatasetId) {
        return !firstDatasetId.equals(secondDatasetId) && linkages.contains(new Linkage(firstDatasetId, secondDatasetId));
    }

    /** The same permit under the ID the registry assigned. */
    public Permit withId(String newId) {
        return new Permit(newId, version, title, purpose, category, level, pseudonymisationJustification, researchers, datasets, linkages,
                validFrom, validUntil, quota, sdcProfile, kAnonymity, state, createdAt, createdBy);
    }

    public Permit withState(PermitState newState) {
        return new Permit(id, version + 1, title, purpose, category, level, pseudonymisationJustification, researchers, datasets, linkages,
                validFrom, validUntil, quota, sdcProfile, kAnonymity, newState, createdAt, createdBy);
    }
}
