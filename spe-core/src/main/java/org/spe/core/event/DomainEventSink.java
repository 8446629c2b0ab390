package org.spe.core.event;

import java.sql.Connection;

/**
 * Where spe-core's services report what happened. spe-server implements it over the audit log.
 * Implementations are thread-safe.
 */
public interface DomainEventSink {
    /**
     * Records the event inside the caller's open transaction, so the state change and its event
     * commit (or roll back) together.
     */
    void recordInTransaction(Connection transaction, DomainEvent event);

    /**
     * Records an event that has no transaction of its own (a denial, a failed login). Blocks until
     * the event is durable.
     */
    void record(DomainEvent event);
}
