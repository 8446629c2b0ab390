package org.spe.core.catalog;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.db.Transactions;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;
import org.spe.core.json.Json;
import org.spe.core.policy.AccessPolicy;

/**
 * The dataset catalog and the table of allowed linkages, kept by data stewards. Every change is
 * checked by the policy and audited in the same transaction. Thread-safe.
 */
public final class CatalogService {
    private final DataSource dataSource;
    private final AccessPolicy policy;
    private final DomainEventSink events;
    private final Clock clock;

    public CatalogService(DataSource dataSource, AccessPolicy policy, DomainEventSink events, Clock clock) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Registers a dataset, or replaces the definition of an existing one. */
    public Dataset register(Caller caller, Dataset dataset) {
        guard(caller, policy.decideManageCatalog(caller), "catalog.update", "dataset", dataset.id());
        String document = write(dataset);
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement upsert = connection.prepareStatement(
                    "INSERT INTO core.datasets(id, document, updated_at) VALUES (?, ?::jsonb, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET document = EXCLUDED.document, updated_at = EXCLUDED.updated_at")) {
                upsert.setString(1, dataset.id());
                upsert.setString(2, document);
                upsert.setTimestamp(3, Timestamp.from(clock.instant()));
                upsert.executeUpdate();
            }
            events.recordInTransaction(connection, DomainEvent.builder(caller, "catalog.update").object("dataset", dataset.id()).dataset(dataset.id())
                    .detail("source", dataset.source().name()).detail("tier", dataset.tier()).detail("columns", dataset.columns().size()).build());
            return dataset;
        });
    }

    /** Every dataset, by ID. No policy check: the catalog is visible to every signed-in user. */
    public List<Dataset> datasets() {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT document FROM core.datasets ORDER BY id");
                    ResultSet rows = select.executeQuery()) {
                List<Dataset> datasets = new ArrayList<>();
                while (rows.next()) {
                    datasets.add(read(rows.getString(1)));
                }
                return datasets;
            }
        });
    }

    public Optional<Dataset> dataset(String id) {
        return datasets().stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** The allowed linkages between source databases. */
    public Set<LinkageRule> linkageRules() {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT first_source, second_source FROM core.linkage_rules ORDER BY 1, 2");
                    ResultSet rows = select.executeQuery()) {
                Set<LinkageRule> rules = new LinkedHashSet<>();
                while (rows.next()) {
                    rules.add(new LinkageRule(SourceDatabase.valueOf(rows.getString(1)), SourceDatabase.valueOf(rows.getString(2))));
                }
                return rules;
            }
        });
    }

    public void allowLinkage(Caller caller, LinkageRule rule) {
        String id = rule.first() + "-" + rule.second();
        guard(caller, policy.decideManageCatalog(caller), "catalog.linkage_allow", "linkage_rule", id);
        Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO core.linkage_rules(first_source, second_source) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, rule.first().name());
                insert.setString(2, rule.second().name());
                insert.executeUpdate();
            }
            events.recordInTransaction(connection, DomainEvent.builder(caller, "catalog.linkage_allow").object("linkage_rule", id).build());
            return null;
        });
    }

    public void disallowLinkage(Caller caller, LinkageRule rule) {
        String id = rule.first() + "-" + rule.second();
        guard(caller, policy.decideManageCatalog(caller), "catalog.linkage_disallow", "linkage_rule", id);
        Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM core.linkage_rules WHERE first_source = ? AND second_source = ?")) {
                delete.setString(1, rule.first().name());
                delete.setString(2, rule.second().name());
                if (delete.executeUpdate() == 0) {
                    throw SpeException.notFound("Linkage %s↔%s is not in the table", rule.first(), rule.second());
                }
            }
            events.recordInTransaction(connection, DomainEvent.builder(caller, "catalog.linkage_disallow").object("linkage_rule", id).build());
            return null;
        });
    }

    private void guard(Caller caller, org.spe.core.policy.Decision decision, String action, String type, String id) {
        events.enforce(decision, DomainEvent.builder(caller, action).object(type, id));
    }

    static String write(Dataset dataset) {
        try {
            return Json.mapper().writeValueAsString(dataset);
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot serialise dataset " + dataset.id(), e);
        }
    }

    static Dataset read(String document) {
        try {
            return Json.mapper().readValue(document, Dataset.class);
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "A stored dataset definition cannot be read", e);
        }
    }
}
