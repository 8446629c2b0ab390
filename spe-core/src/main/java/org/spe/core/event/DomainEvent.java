package org.spe.core.event;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.spe.core.account.Caller;

/**
 * Something a caller did or tried to do, as spe-core reports it to the audit log through a
 * {@link DomainEventSink}. spe-core does not know the audit module; spe-server adapts.
 */
public record DomainEvent(
        Caller caller,
        String action,
        String objectType,
        String objectId,
        Optional<String> permitId,
        Optional<String> workspaceId,
        Optional<String> datasetId,
        EventOutcome outcome,
        Optional<String> reason,
        Map<String, Object> details) {

    public DomainEvent {
        requireNonNull(caller, "caller is null");
        requireNonNull(action, "action is null");
        requireNonNull(objectType, "objectType is null");
        requireNonNull(objectId, "objectId is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(datasetId, "datasetId is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(reason, "reason is null");
        details = Map.copyOf(requireNonNull(details, "details is null"));
    }

    public static Builder builder(Caller caller, String action) {
        return new Builder(caller, action);
    }

    /** Fluent builder; not thread-safe. */
    public static final class Builder {
        private final Caller caller;
        private final String action;
        private String objectType = "-";
        private String objectId = "-";
        private Optional<String> permitId = Optional.empty();
        private Optional<String> workspaceId = Optional.empty();
        private Optional<String> datasetId = Optional.empty();
        private EventOutcome outcome = EventOutcome.SUCCESS;
        private Optional<String> reason = Optional.empty();
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Builder(Caller caller, String action) {
            this.caller = caller;
            this.action = action;
        }

        public Builder object(String type, String id) {
            this.objectType = type;
            this.objectId = id;
            return this;
        }

        public Builder permit(String id) {
            this.permitId = Optional.of(id);
            return this;
        }

        public Builder workspace(String id) {
            this.workspaceId = Optional.of(id);
            return this;
        }

        public Builder dataset(String id) {
            this.datasetId = Optional.of(id);
            return this;
        }

        public Builder denied(String why) {
            this.outcome = EventOutcome.DENIED;
            this.reason = Optional.of(why);
            return this;
        }

        public Builder failed(String why) {
            this.outcome = EventOutcome.FAILED;
            this.reason = Optional.of(why);
            return this;
        }

        public Builder detail(String key, Object value) {
            details.put(key, value);
            return this;
        }

        public DomainEvent build() {
            return new DomainEvent(caller, action, objectType, objectId, permitId, workspaceId, datasetId, outcome, reason, details);
        }
    }
}
