package org.spe.core.event;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

/** Keeps events in memory; for tests and tools that run without an audit log. Thread-safe. */
public final class CollectingEventSink implements DomainEventSink {
    private final List<DomainEvent> events = new ArrayList<>();

    @Override
    public synchronized void recordInTransaction(Connection transaction, DomainEvent event) {
        events.add(event);
    }

    @Override
    public synchronized void record(DomainEvent event) {
        events.add(event);
    }

    public synchronized List<DomainEvent> events() {
        return List.copyOf(events);
    }
}
