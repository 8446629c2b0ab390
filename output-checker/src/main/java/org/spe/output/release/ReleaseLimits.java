package org.spe.output.release;

/**
 * Limits on release requests, checked before anything is written.
 *
 * @param maxFileBytes the largest file that may be added
 * @param maxFiles the most files one request may hold
 * @param previewRows how many rows of a CSV are shown to reviewers by {@code ReleaseService.preview}
 */
public record ReleaseLimits(long maxFileBytes, int maxFiles, int previewRows) {
    public ReleaseLimits {
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be at least 1");
        }
        if (maxFiles < 1) {
            throw new IllegalArgumentException("maxFiles must be at least 1");
        }
        if (previewRows < 1) {
            throw new IllegalArgumentException("previewRows must be at least 1");
        }
    }

    /** 32 MiB per file, 50 files, 200 preview rows. */
    public static ReleaseLimits defaults() {
        return new ReleaseLimits(32L << 20, 50, 200);
    }
}
