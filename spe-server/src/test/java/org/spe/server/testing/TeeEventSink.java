package org.spe.server.testing;

import java.sql.Connection;
import org.spe.core.event.CollectingEventSink;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;

/** Passes every event to the real audit sink and keeps a copy for assertions. */
public final class TeeEventSink implements DomainEventSink {
    private final DomainEventSink delegate;
    private final CollectingEventSink copy;

    public TeeEventSink(DomainEventSink delegate, CollectingEventSink copy) {
        this.delegate = delegate;
        this.copy = copy;
    }

    @Override
    public void recordInTransaction(Connection transaction, DomainEvent event) {
        delegate.recordInTransaction(transaction, event);
        copy.recordInTransaction(transaction, event);
    }

    @Override
    public void record(DomainEvent event) {
        delegate.record(event);
        copy.record(event);
    }
}
