package org.spe.output.release;

import java.util.List;
import java.util.Optional;
import org.spe.output.sdc.PseudonymDictionary;

/**
 * Where the platform keeps the {@link TableEvidence} of tables made in workspaces, and each
 * permit's pseudonym dictionary (the ints of the person sets). The output checker owns this
 * interface; the platform implements it ({@link FileTableEvidenceStore}) and wraps it to audit
 * (DESIGN.md §3: extend by wrapping). Nothing here is ever shown to a researcher or released.
 *
 * <p>Implementations are thread-safe; every method may block on storage. Failures are
 * {@link org.spe.core.SpeException}s (INTERNAL for storage that cannot be read or written).
 */
public interface TableEvidenceStore {
    /** Stores new evidence. */
    void save(TableEvidence evidence);

    /** The evidence of a workspace with this id, if any. */
    Optional<TableEvidence> find(String workspaceId, String evidenceId);

    /**
     * The newest evidence of the workspace whose table CSV has this SHA-256: how a release request
     * recognises an unchanged table the platform made. Empty when there is none.
     */
    Optional<TableEvidence> findByContent(String workspaceId, String sha256);

    /** Every evidence of the workspace, oldest first. */
    List<TableEvidence> list(String workspaceId);

    /**
     * The permit's pseudonym dictionary; the same instance for the same permit while the store
     * lives. Call {@link #saveDictionary} after assigning new ints, before saving evidence that uses them.
     */
    PseudonymDictionary dictionary(String permitId);

    /** Persists the permit's dictionary (the ints it assigned so far). */
    void saveDictionary(String permitId);

    /** A store that holds nothing and refuses to save: for a platform without the table function. */
    static TableEvidenceStore none() {
        return NoTableEvidence.INSTANCE;
    }
}
