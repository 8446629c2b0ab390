package org.spe.workspace.helper;

/**
 * Hears each statement a workspace sends over its control socket before it runs; the platform audits
 * here, and may refuse by throwing a {@link org.spe.core.SpeException} (its message goes back to the
 * sandbox). Must be thread-safe.
 */
@FunctionalInterface
public interface StatementListener {
    /** Never listens. */
    StatementListener NONE = (operation, statement) -> { };

    /**
     * Called before {@code statement} runs.
     *
     * @param operation {@code sql} or {@code table}
     * @param statement the query text as sent (may hold anything the researcher typed; log at debug only)
     */
    void beforeExecute(String operation, String statement);
}
