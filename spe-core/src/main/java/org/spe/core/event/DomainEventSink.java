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

    /**
     * Lets an allowed decision through; for a denied one records {@code denial} (marked DENIED with
     * the policy's reason) and throws the decision's {@link org.spe.core.AccessDeniedException}.
     * The one way services and handlers turn a policy decision into an audited answer.
     */
    default void enforce(org.spe.core.policy.Decision decision, DomainEvent.Builder denial) {
        if (!decision.allowed()) {
            record(denial.denied(decision.reason()).build());
            decision.orThrow();
        }
    }
}
