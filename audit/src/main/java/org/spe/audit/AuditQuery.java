package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * An auditor's search: every present filter must match (actor user ID, permit, workspace,
 * dataset, action, outcome, time in [{@code from}, {@code to})). Results come in sequence order
 * (oldest first, or newest first), {@code pageSize} at a time; {@code cursor} is the opaque
 * {@link AuditPage#nextCursor()} of the previous page. Paging is stable: a cursor names a position
 * in the sequence, so events appended meanwhile never shift or repeat a page.
 */
public record AuditQuery(
        Optional<String> userId,
        Optional<String> permitId,
        Optional<String> workspaceId,
        Optional<String> datasetId,
        Optional<String> action,
        Optional<AuditOutcome> outcome,
        Optional<Instant> from,
        Optional<Instant> to,
        int pageSize,
        Optional<String> cursor,
        boolean newestFirst) {
    /** Largest page a query may ask for. */
    public static final int MAX_PAGE_SIZE = 10_000;
    public static final int DEFAULT_PAGE_SIZE = 100;

    public AuditQuery {
        requireNonNull(userId, "userId is null");
        requireNonNull(permitId, "permitId is null");
        requireNonNull(workspaceId, "workspaceId is null");
        requireNonNull(datasetId, "datasetId is null");
        requireNonNull(action, "action is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(from, "from is null");
        requireNonNull(to, "to is null");
        requireNonNull(cursor, "cursor is null");
        if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
            throw new IllegalArgumentException("pageSize must be 1.." + MAX_PAGE_SIZE + ": " + pageSize);
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException("from must be before to");
        }
        cursor.ifPresent(AuditQuery::cursorSequence);
    }

    /** A query with no filters, the default page size, oldest first. */
    public static Builder builder() {
        return new Builder();
    }

    /** The same query positioned at {@code cursor}. */
    public AuditQuery withCursor(Optional<String> cursor) {
        return new AuditQuery(userId, permitId, workspaceId, datasetId, action, outcome, from, to, pageSize, cursor, newestFirst);
    }

    /** The sequence number a cursor names (the last one already returned). */
    public static long cursorSequence(String cursor) {
        requireNonNull(cursor, "cursor is null");
        if (!cursor.matches("s[0-9]{1,18}")) {
            throw new IllegalArgumentException("not a cursor from this log: " + cursor);
        }
        return Long.parseLong(cursor.substring(1));
    }

    /** The cursor positioned after {@code sequence}. */
    public static String cursorAfter(long sequence) {
        return "s" + sequence;
    }

    /** Whether {@code event} passes every filter (ignores cursor and order). */
    public boolean matches(AuditEvent event) {
        AuditRecord record = event.record();
        return userId.map(value -> value.equals(record.actor().userId())).orElse(true)
                && permitId.map(value -> record.permitId().equals(Optional.of(value))).orElse(true)
                && workspaceId.map(value -> record.workspaceId().equals(Optional.of(value))).orElse(true)
                && datasetId.map(value -> record.datasetId().equals(Optional.of(value))).orElse(true)
                && action.map(value -> value.equals(record.action())).orElse(true)
                && outcome.map(value -> value == record.outcome()).orElse(true)
                && from.map(value -> !event.time().isBefore(value)).orElse(true)
                && to.map(value -> event.time().isBefore(value)).orElse(true);
    }

    /** Fluent builder; not thread-safe. */
    public static final class Builder {
        private Optional<String> userId = Optional.empty();
        private Optional<String> permitId = Optional.empty();
        private Optional<String> workspaceId = Optional.empty();
        private Optional<String> datasetId = Optional.empty();
        private Optional<String> action = Optional.empty();
        private Optional<AuditOutcome> outcome = Optional.empty();
        private Optional<Instant> from = Optional.empty();
        private Optional<Instant> to = Optional.empty();
        private int pageSize = DEFAULT_PAGE_SIZE;
        private Optional<String> cursor = Optional.empty();
        private boolean newestFirst;

        private Builder() {}

        public Builder user(String userId) {
            this.userId = Optional.of(userId);
            return this;
        }

        public Builder permit(String permitId) {
            this.permitId = Optional.of(permitId);
            return this;
        }

        public Builder workspace(String workspaceId) {
            this.workspaceId = Optional.of(workspaceId);
            return this;
        }

        public Builder dataset(String datasetId) {
            this.datasetId = Optional.of(datasetId);
            return this;
        }

        public Builder action(String action) {
            this.action = Optional.of(action);
            return this;
        }

        public Builder outcome(AuditOutcome outcome) {
            this.outcome = Optional.of(outcome);
            return this;
        }

        /** Events at or after {@code from}. */
        public Builder from(Instant from) {
            this.from = Optional.of(from);
            return this;
        }

        /** Events before {@code to}. */
        public Builder to(Instant to) {
            this.to = Optional.of(to);
            return this;
        }

        public Builder pageSize(int pageSize) {
            this.pageSize = pageSize;
            return this;
        }

        public Builder cursor(String cursor) {
            this.cursor = Optional.of(cursor);
            return this;
        }

        public Builder newestFirst(boolean newestFirst) {
            this.newestFirst = newestFirst;
            return this;
        }

        public AuditQuery build() {
            return new AuditQuery(userId, permitId, workspaceId, datasetId, action, outcome, from, to, pageSize, cursor, newestFirst);
        }
    }
}
