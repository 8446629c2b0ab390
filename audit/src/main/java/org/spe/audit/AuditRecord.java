package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the platform asks the audit log to record: who ({@link AuditActor}), what ({@code action},
 * one of {@link AuditActions} or a dotted lower-case name of the same shape), on which object,
 * under which permit, workspace and dataset, how it ended and why, and a details object of
 * JSON-compatible values (strings, booleans, numbers, lists and maps of these; no nulls, no
 * NaN). Immutable; {@code details} is deep-copied into unmodifiable collections with sorted keys.
 */
public record AuditRecord(
        AuditActor actor,
        String action,
        String objectType,
        String objectId,
        Optional<String> permitId,
        Optional<String> workspaceId,
        Optional<String> datasetId,
        AuditOutcome outcome,
        Optional<String> reason,
        Map<String, Object> details) {
    private static final java.util.regex.Pattern ACTION_PATTERN = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    public AuditRecord {
        requireNonNull(actor, "actor is null");
        requireNonNull(action, "action is null");
        requireNonNull(objectType, "objectType is null");
        requireNonNull(objectId, "objectId is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(datasetId, "datasetId is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(details, "details is null");
        if (!ACTION_PATTERN.matcher(action).matches()) {
            throw new IllegalArgumentException("action must be dotted lower-case words like auth.login: " + action);
        }
        AuditActor.checkLength("action", action);
        AuditActor.checkLength("objectType", objectType);
        AuditActor.checkLength("objectId", objectId);
        permitId.ifPresent(value -> AuditActor.checkLength("permitId", value));
        workspaceId.ifPresent(value -> AuditActor.checkLength("workspaceId", value));
        datasetId.ifPresent(value -> AuditActor.checkLength("datasetId", value));
        details = copyMap(details, "details");
    }

    /** Starts a record of {@code action} by {@code actor}; the outcome defaults to SUCCESS. */
    public static Builder builder(AuditActor actor, String action) {
        return new Builder(actor, action);
    }

    /** Starts a builder with every field of this record, to derive a changed copy. */
    public Builder toBuilder() {
        Builder builder = new Builder(actor, action).object(objectType, objectId).outcome(outcome);
        permitId.ifPresent(builder::permit);
        workspaceId.ifPresent(builder::workspace);
        datasetId.ifPresent(builder::dataset);
        reason.ifPresent(builder::reason);
        details.forEach(builder::detail);
        return builder;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copyMap(Map<?, ?> map, String path) {
        TreeMap<String, Object> copy = new TreeMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!(entry.getKey() instanceof String key)) {
                throw new IllegalArgumentException(path + " has a key that is not a string: " + entry.getKey());
            }
            copy.put(key, copyValue(entry.getValue(), path + "." + key));
        }
        return java.util.Collections.unmodifiableMap(copy);
    }

    private static Object copyValue(Object value, String path) {
        if (value == null) {
            throw new IllegalArgumentException(path + " is null; leave the detail out instead");
        }
        if (value instanceof String || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof Byte || value instanceof java.math.BigInteger
                || value instanceof java.math.BigDecimal) {
            return value;
        }
        if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (Double.isNaN(number) || Double.isInfinite(number)) {
                throw new IllegalArgumentException(path + " is not a finite number");
            }
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            return copyMap(map, path);
        }
        if (value instanceof List<?> list) {
            java.util.ArrayList<Object> copy = new java.util.ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                copy.add(copyValue(list.get(i), path + "[" + i + "]"));
            }
            return java.util.Collections.unmodifiableList(copy);
        }
        if (value instanceof Enum<?> constant) {
            return constant.name();
        }
        throw new IllegalArgumentException(path + " has a type that is not JSON: " + value.getClass().getName());
    }

    /** Fluent builder; not thread-safe. {@link #build()} validates. */
    public static final class Builder {
        private final AuditActor actor;
        private final String action;
        private String objectType = "";
        private String objectId = "";
        private Optional<String> permitId = Optional.empty();
        private Optional<String> workspaceId = Optional.empty();
        private Optional<String> datasetId = Optional.empty();
        private AuditOutcome outcome = AuditOutcome.SUCCESS;
        private Optional<String> reason = Optional.empty();
        private final Map<String, Object> details = new LinkedHashMap<>();

        private Builder(AuditActor actor, String action) {
            this.actor = requireNonNull(actor, "actor is null");
            this.action = requireNonNull(action, "action is null");
        }

        /** The object acted on, e.g. ("permit", "P-1"). */
        public Builder object(String type, String id) {
            this.objectType = requireNonNull(type, "type is null");
            this.objectId = requireNonNull(id, "id is null");
            return this;
        }

        public Builder permit(String permitId) {
            this.permitId = Optional.of(requireNonNull(permitId, "permitId is null"));
            return this;
        }

        public Builder workspace(String workspaceId) {
            this.workspaceId = Optional.of(requireNonNull(workspaceId, "workspaceId is null"));
            return this;
        }

        public Builder dataset(String datasetId) {
            this.datasetId = Optional.of(requireNonNull(datasetId, "datasetId is null"));
            return this;
        }

        public Builder outcome(AuditOutcome outcome) {
            this.outcome = requireNonNull(outcome, "outcome is null");
            return this;
        }

        public Builder reason(String reason) {
            this.reason = Optional.of(requireNonNull(reason, "reason is null"));
            return this;
        }

        /** Adds one detail; a later value for the same key replaces the earlier. */
        public Builder detail(String key, Object value) {
            details.put(requireNonNull(key, "key is null"), value);
            return this;
        }

        public AuditRecord build() {
            return new AuditRecord(actor, action, objectType, objectId, permitId, workspaceId, datasetId, outcome, reason, details);
        }
    }
}
