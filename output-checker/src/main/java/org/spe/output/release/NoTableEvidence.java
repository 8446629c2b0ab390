package org.spe.output.release;

import java.util.List;
import java.util.Optional;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.output.sdc.PseudonymDictionary;

/** {@link TableEvidenceStore#none()}: nothing stored, nothing found, saving refused. */
final class NoTableEvidence implements TableEvidenceStore {
    static final NoTableEvidence INSTANCE = new NoTableEvidence();

    private NoTableEvidence() {}

    @Override
    public void save(TableEvidence evidence) {
        throw new SpeException(ErrorCategory.CONFLICT, "this platform keeps no table evidence");
    }

    @Override
    public Optional<TableEvidence> find(String workspaceId, String evidenceId) {
        return Optional.empty();
    }

    @Override
    public Optional<TableEvidence> findByContent(String workspaceId, String sha256) {
        return Optional.empty();
    }

    @Override
    public List<TableEvidence> list(String workspaceId) {
        return List.of();
    }

    @Override
    public PseudonymDictionary dictionary(String permitId) {
        return new PseudonymDictionary();
    }

    @Override
    public void saveDictionary(String permitId) {
        // nothing kept
    }
}
