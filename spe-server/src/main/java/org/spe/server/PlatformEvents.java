package org.spe.server;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import org.spe.audit.AuditActions;
import org.spe.audit.AuditActor;
import org.spe.audit.AuditLog;
import org.spe.audit.AuditMonitor;
import org.spe.audit.AuditOutcome;
import org.spe.audit.AuditRecord;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;

/**
 * Adapts spe-core's domain events to the audit log: the state change and its event commit in one
 * transaction ({@link AuditLog#appendInTransaction}); events without a transaction (denials,
 * failed logins) are appended durably before the caller answers.
 */
public final class PlatformEvents implements DomainEventSink {
    private final AuditLog auditLog;

    public PlatformEvents(AuditLog auditLog) {
        this.auditLog = requireNonNull(auditLog, "auditLog is null");
    }

    @Override
    public void recordInTransaction(Connection transaction, DomainEvent event) {
        auditLog.appendInTransaction(transaction, toRecord(event));
    }

    @Override
    public void record(DomainEvent event) {
        auditLog.append(toRecord(event));
    }

    /** The audit record of a domain event; an unauthenticated caller is recorded as anonymous with the name they typed. */
    static AuditRecord toRecord(DomainEvent event) {
        Caller caller = event.caller();
        boolean unauthenticated = caller.roles().isEmpty() && caller.sessionId().equals("-") && !caller.userId().equals(Caller.system().userId());
        AuditActor actor;
        if (caller.userId().equals(Caller.system().userId())) {
            actor = AuditActor.system();
        } else if (unauthenticated) {
            actor = AuditActor.anonymous(caller.sourceAddress());
        } else {
            actor = new AuditActor(caller.userId(), caller.roleNames(), caller.sessionId(), caller.sourceAddress());
        }
        AuditRecord.Builder record = AuditRecord.builder(actor, event.action()).object(event.objectType(), event.objectId())
                .outcome(switch (event.outcome()) {
                    case SUCCESS -> AuditOutcome.SUCCESS;
                    case DENIED -> AuditOutcome.DENIED;
                    case FAILED -> AuditOutcome.FAILED;
                });
        event.permitId().ifPresent(record::permit);
        event.workspaceId().ifPresent(record::workspace);
        event.datasetId().ifPresent(record::dataset);
        event.reason().ifPresent(record::reason);
        event.details().forEach(record::detail);
        if (unauthenticated && event.action().equals(AuditActions.AUTH_LOGIN)) {
            String typed = caller.userId();
            record.detail(AuditMonitor.USERNAME_DETAIL, typed.length() > 64 ? typed.substring(0, 64) : typed);
        }
        return record.build();
    }
}
