package org.spe.workspace.data;

/**
 * Choices of one extract build.
 *
 * @param suppressBelowK for ANONYMISED extracts: remove the rows of quasi-identifier groups smaller
 *     than the permit's k instead of refusing the build (the rows removed are reported)
 */
public record ExtractOptions(boolean suppressBelowK) {
    /** Refuse, never suppress. */
    public static ExtractOptions defaults() {
        return new ExtractOptions(false);
    }
}
