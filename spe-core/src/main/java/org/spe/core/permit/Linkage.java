package org.spe.core.permit;

import static java.util.Objects.requireNonNull;

/** A linkage between two datasets requested by a permit; unordered. */
public record Linkage(String firstDatasetId, String secondDatasetId) {
    public Linkage {
        requireNonNull(firstDatasetId, "firstDatasetId is null");
        requireNonNull(secondDatasetId, "secondDatasetId is null");
        if (firstDatasetId.equals(secondDatasetId)) {
            throw new IllegalArgumentException("a linkage needs two different datasets: " + firstDatasetId);
        }
        if (firstDatasetId.compareTo(secondDatasetId) > 0) {
            String swap = firstDatasetId;
            firstDatasetId = secondDatasetId;
            secondDatasetId = swap;
        }
    }

    public boolean involves(String datasetId) {
        return firstDatasetId.equals(datasetId) || secondDatasetId.equals(datasetId);
    }
}
