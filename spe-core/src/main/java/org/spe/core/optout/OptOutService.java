package org.spe.core.optout;

import static java.util.Objects.requireNonNull;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.spe.core.account.Caller;
import org.spe.core.db.Transactions;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;
import org.spe.core.policy.AccessPolicy;
import org.spe.core.policy.Decision;

/**
 * The opt-out registry (オプトアウト・利用停止): person IDs excluded from every extract built after
 * they were recorded. Person IDs are never written to logs or audit details; events carry counts.
 */
public final class OptOutService {
    /** Most person IDs accepted in one upload. */
    public static final int MAX_BATCH = 1_000_000;

    private final DataSource dataSource;
    private final AccessPolicy policy;
    private final DomainEventSink events;
    private final Clock clock;

    public OptOutService(DataSource dataSource, AccessPolicy policy, DomainEventSink events, Clock clock) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Records the person IDs; already-recorded IDs keep their first date. Returns how many were new. */
    public int record(Caller caller, List<String> personIds) {
        guard(caller, policy.decideManageOptOuts(caller), "optout.change");
        Set<String> unique = new LinkedHashSet<>();
        for (String personId : personIds) {
            if (personId == null || personId.isBlank() || personId.length() > 64 || !personId.matches("[A-Za-z0-9_-]+")) {
                throw org.spe.core.SpeException.invalid("Person ID #%d is not valid: IDs are 1–64 letters, digits, '_' or '-'", unique.size() + 1);
            }
            unique.add(personId);
        }
        if (unique.isEmpty() || unique.size() > MAX_BATCH) {
            throw org.spe.core.SpeException.invalid("Upload between 1 and %d person IDs", MAX_BATCH);
        }
        Instant now = clock.instant();
        return Transactions.inTransaction(dataSource, connection -> {
            int added = 0;
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO core.optouts(person_id, recorded_at, recorded_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
                for (String personId : unique) {
                    insert.setString(1, personId);
                    insert.setTimestamp(2, Timestamp.from(now));
                    insert.setString(3, caller.userId());
                    insert.addBatch();
                }
                for (int count : insert.executeBatch()) {
                    added += Math.max(count, 0);
                }
            }
            events.recordInTransaction(connection, DomainEvent.builder(caller, "optout.change").object("optout_registry", "-")
                    .detail("submitted", unique.size()).detail("added", added).build());
            return added;
        });
    }

    /** How many persons are registered. */
    public long count(Caller caller) {
        guard(caller, policy.decideViewOptOuts(caller), "optout.read");
        return Transactions.inTransaction(dataSource, connection -> {
            try (ResultSet rows = connection.createStatement().executeQuery("SELECT count(*) FROM core.optouts")) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    /** Person IDs recorded at or before {@code asOf}; for the extract builder (platform-internal, no policy check). */
    public List<String> personIdsAsOf(Instant asOf) {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT person_id FROM core.optouts WHERE recorded_at <= ? ORDER BY person_id")) {
                select.setTimestamp(1, Timestamp.from(asOf));
                try (ResultSet rows = select.executeQuery()) {
                    List<String> ids = new ArrayList<>();
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                    }
                    return ids;
                }
            }
        });
    }

    private void guard(Caller caller, Decision decision, String action) {
        events.enforce(decision, DomainEvent.builder(caller, action).object("optout_registry", "-"));
    }
}
