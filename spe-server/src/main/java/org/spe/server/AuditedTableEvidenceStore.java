package org.spe.server;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.spe.audit.AuditActions;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;
import org.spe.output.release.TableEvidence;
import org.spe.output.release.TableEvidenceStore;
import org.spe.output.sdc.PseudonymDictionary;

/**
 * Audits the tables the platform's table function writes into workspaces: each saved evidence is a
 * {@code file.write} event by the workspace's researcher (through the kernel), naming the table's
 * path under {@code outputs/}, its SHA-256, the evidence id, its cell count and profile — never a
 * value. Everything else passes through to the wrapped store. Thread-safe when the delegate is.
 */
public final class AuditedTableEvidenceStore implements TableEvidenceStore {
    private final TableEvidenceStore delegate;
    private final DomainEventSink events;

    public AuditedTableEvidenceStore(TableEvidenceStore delegate, DomainEventSink events) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.events = requireNonNull(events, "events is null");
    }

    @Override
    public void save(TableEvidence evidence) {
        requireNonNull(evidence, "evidence is null");
        delegate.save(evidence);
        Caller kernel = new Caller(evidence.createdBy(), Set.of(Role.RESEARCHER), "kernel:" + evidence.workspaceId(),
                "sandbox:" + evidence.workspaceId());
        events.record(DomainEvent.builder(kernel, AuditActions.FILE_WRITE).object("workspace", evidence.workspaceId())
                .permit(evidence.permitId()).workspace(evidence.workspaceId())
                .detail("path", "outputs/" + evidence.relativePath()).detail("via", "spe.table").detail("sha256", evidence.tableSha256())
                .detail("evidenceId", evidence.id()).detail("cells", evidence.table().cells().size()).detail("profile", evidence.profile())
                .build());
    }

    @Override
    public Optional<TableEvidence> find(String workspaceId, String evidenceId) {
        return delegate.find(workspaceId, evidenceId);
    }

    @Override
    public Optional<TableEvidence> findByContent(String workspaceId, String sha256) {
        return delegate.findByContent(workspaceId, sha256);
    }

    @Override
    public List<TableEvidence> list(String workspaceId) {
        return delegate.list(workspaceId);
    }

    @Override
    public PseudonymDictionary dictionary(String permitId) {
        return delegate.dictionary(permitId);
    }

    @Override
    public void saveDictionary(String permitId) {
        delegate.saveDictionary(permitId);
    }
}
