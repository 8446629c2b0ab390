package org.spe.server;

import java.sql.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.db.Database;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;

/** Adapts spe-core's domain events to the audit log. */
public final class PlatformEvents implements DomainEventSink {
    private static final Logger log = LoggerFactory.getLogger(PlatformEvents.class);

    public PlatformEvents(Database database) {}

    @Override
    public void recordInTransaction(Connection transaction, DomainEvent event) {
        log.info("event {} {} {}", event.action(), event.objectType(), event.outcome());
    }

    @Override
    public void record(DomainEvent event) {
        log.info("event {} {} {}", event.action(), event.objectType(), event.outcome());
    }
}
