package org.spe.core.permit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.account.AccountService;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.account.User;
import org.spe.core.catalog.CatalogService;
import org.spe.core.catalog.ColumnClass;
import org.spe.core.catalog.ColumnSpec;
import org.spe.core.catalog.Dataset;
import org.spe.core.catalog.LinkageRule;
import org.spe.core.db.Transactions;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;
import org.spe.core.json.Json;
import org.spe.core.policy.AccessPolicy;
import org.spe.core.policy.Decision;

/**
 * Records permits and changes their state. A permit is validated against the catalog before
 * anything is written: every dataset and column must exist, no direct identifier may be granted,
 * row filters must name columns of their dataset, requested linkages must be allowed by the
 * catalog's linkage table, researchers must be existing researchers, and the SDC profile must be
 * known. Thread-safe.
 */
public final class PermitService {
    private static final Logger log = LoggerFactory.getLogger(PermitService.class);
    private final DataSource dataSource;
    private final AccessPolicy policy;
    private final DomainEventSink events;
    private final Clock clock;
    private final CatalogService catalog;
    private final AccountService accounts;
    private final Set<String> sdcProfiles;
    private final List<Consumer<Permit>> stateListeners = new CopyOnWriteArrayList<>();

    public PermitService(DataSource dataSource, AccessPolicy policy, DomainEventSink events, Clock clock, CatalogService catalog,
            AccountService accounts, Set<String> sdcProfiles) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.sdcProfiles = Set.copyOf(sdcProfiles);
    }

    /** Validates and records a new ACTIVE permit. Bad input is INVALID_INPUT and writes nothing. */
    public Permit create(Caller caller, PermitRequest request) {
        guard(caller, policy.decideManagePermits(caller), "permit.create", "permit", "-");
        Permit candidate;
        try {
            candidate = new Permit("P-0000", 1, nonNull(request.title(), "title"), nonNull(request.purpose(), "purpose"),
                    nonNull(request.category(), "category"), nonNull(request.level(), "level"), request.pseudonymisationJustification(),
                    request.researchers(), request.datasets(), request.linkages(), nonNull(request.validFrom(), "validFrom"),
                    nonNull(request.validUntil(), "validUntil"), nonNull(request.quota(), "quota"), nonNull(request.sdcProfile(), "sdcProfile"),
                    request.kAnonymity(), PermitState.ACTIVE, clock.instant(), caller.userId());
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("The permit is not valid: %s", e.getMessage());
        }
        validateAgainstCatalog(candidate);
        return Transactions.inTransaction(dataSource, connection -> {
            long number;
            try (ResultSet next = connection.createStatement().executeQuery("SELECT nextval('core.permit_numbers')")) {
                next.next();
                number = next.getLong(1);
            }
            Permit permit = candidate.withId(String.format("P-%04d", number));
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO core.permits(id, version, state, document, updated_at) VALUES (?, ?, ?, ?::jsonb, ?)")) {
                insert.setString(1, permit.id());
                insert.setInt(2, permit.version());
                insert.setString(3, permit.state().name());
                insert.setString(4, write(permit));
                insert.setTimestamp(5, Timestamp.from(clock.instant()));
                insert.executeUpdate();
            }
            try (PreparedStatement member = connection.prepareStatement("INSERT INTO core.permit_researchers(permit_id, user_id) VALUES (?, ?)")) {
                for (String researcher : permit.researchers()) {
                    member.setString(1, permit.id());
                    member.setString(2, researcher);
                    member.addBatch();
                }
                member.executeBatch();
            }
            events.recordInTransaction(connection, DomainEvent.builder(caller, "permit.create").object("permit", permit.id()).permit(permit.id())
                    .detail("level", permit.level().name()).detail("category", permit.category().name())
                    .detail("datasets", permit.datasets().stream().map(PermitDataset::datasetId).toList())
                    .detail("researchers", permit.researchers()).build());
            return permit;
        });
    }

    /**
     * Calls {@code listener} with the changed permit after each state change has committed (by a
     * steward, or on expiry), on the thread that changed it: workspaces lock at once when their
     * permit is suspended, revoked or expires. A listener that throws is logged; the change stands.
     */
    public void onStateChange(Consumer<Permit> listener) {
        stateListeners.add(requireNonNull(listener, "listener is null"));
    }

    /** Moves a permit to another state per {@link PermitTransitions}; CONFLICT if not allowed. */
    public Permit changeState(Caller caller, String permitId, PermitState target, String reason) {
        guard(caller, policy.decideManagePermits(caller), PermitTransitions.auditAction(target), "permit", permitId);
        if (reason == null || reason.isBlank()) {
            throw SpeException.invalid("A reason is required to change a permit's state");
        }
        return applyState(caller, permitId, target, reason);
    }

    /** Expires every ACTIVE or SUSPENDED permit whose validity ended before {@code today}; returns them. */
    public List<Permit> expireEnded(LocalDate today) {
        List<Permit> expired = new ArrayList<>();
        for (Permit permit : all()) {
            if (permit.validUntil().isBefore(today) && PermitTransitions.allowedFrom(permit.state()).contains(PermitState.EXPIRED)) {
                expired.add(applyState(Caller.system(), permit.id(), PermitState.EXPIRED, "validity ended " + permit.validUntil()));
            }
        }
        return expired;
    }

    /** Checks the transition and writes it with its audit event, in one transaction; then tells the listeners. */
    private Permit applyState(Caller caller, String permitId, PermitState target, String reason) {
        Permit changed = writeState(caller, permitId, target, reason);
        for (Consumer<Permit> listener : stateListeners) {
            try {
                listener.accept(changed);
            } catch (RuntimeException e) {
                log.error("A listener of permit {} becoming {} failed", permitId, target, e);
            }
        }
        return changed;
    }

    private Permit writeState(Caller caller, String permitId, PermitState target, String reason) {
        return Transactions.inTransaction(dataSource, connection -> {
            Permit current = load(connection, permitId, true).orElseThrow(() -> SpeException.notFound("Permit %s does not exist", permitId));
            PermitTransitions.check(current.state(), target);
            Permit changed = current.withState(target);
            try (PreparedStatement update = connection.prepareStatement("UPDATE core.permits SET version = ?, state = ?, document = ?::jsonb, updated_at = ? WHERE id = ?")) {
                update.setInt(1, changed.version());
                update.setString(2, changed.state().name());
                update.setString(3, write(changed));
                update.setTimestamp(4, Timestamp.from(clock.instant()));
                update.setString(5, permitId);
                update.executeUpdate();
            }
            events.recordInTransaction(connection, DomainEvent.builder(caller, PermitTransitions.auditAction(target)).object("permit", permitId)
                    .permit(permitId).detail("from", current.state().name()).detail("to", target.name()).detail("reason", reason).build());
            return changed;
        });
    }

    /** The permit, if it exists and the caller may see it (a denial is audited and thrown). */
    public Permit get(Caller caller, String permitId) {
        Permit permit = find(permitId).orElseThrow(() -> SpeException.notFound("Permit %s does not exist", permitId));
        guard(caller, policy.decideViewPermit(caller, permit), "permit.read", "permit", permitId);
        return permit;
    }

    /** The permits the caller may see. */
    public List<Permit> list(Caller caller) {
        guard(caller, policy.decideListPermits(caller), "permit.read", "permit", "-");
        return all().stream().filter(p -> policy.canViewPermit(caller, p)).toList();
    }

    /** Every permit, without a policy check; for the platform's own scheduled work. */
    public List<Permit> all() {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT document FROM core.permits ORDER BY id");
                    ResultSet rows = select.executeQuery()) {
                List<Permit> permits = new ArrayList<>();
                while (rows.next()) {
                    permits.add(read(rows.getString(1)));
                }
                return permits;
            }
        });
    }

    public Optional<Permit> find(String permitId) {
        return Transactions.inTransaction(dataSource, connection -> load(connection, permitId, false));
    }

    private void validateAgainstCatalog(Permit permit) {
        Map<String, Dataset> datasets = catalog.datasets().stream().collect(Collectors.toMap(Dataset::id, Function.identity()));
        for (PermitDataset granted : permit.datasets()) {
            Dataset dataset = datasets.get(granted.datasetId());
            if (dataset == null) {
                throw SpeException.invalid("Dataset %s is not in the catalog", granted.datasetId());
            }
            for (String column : granted.columns()) {
                ColumnSpec spec = dataset.column(column)
                        .orElseThrow(() -> SpeException.invalid("Dataset %s has no column %s", granted.datasetId(), column));
                if (spec.classification() == ColumnClass.DIRECT_IDENTIFIER) {
                    throw SpeException.invalid("Column %s.%s is a direct identifier and can never be granted", granted.datasetId(), column);
                }
            }
            for (RowFilter filter : granted.rowFilters()) {
                if (dataset.column(filter.column()).isEmpty()) {
                    throw SpeException.invalid("The row filter of %s names column %s, which the dataset does not have", granted.datasetId(), filter.column());
                }
            }
        }
        Set<LinkageRule> rules = catalog.linkageRules();
        for (Linkage linkage : permit.linkages()) {
            Dataset first = datasets.get(linkage.firstDatasetId());
            Dataset second = datasets.get(linkage.secondDatasetId());
            boolean sameSource = first.source() == second.source();
            if (!sameSource && !rules.contains(new LinkageRule(first.source(), second.source()))) {
                throw SpeException.invalid("Linking %s (%s) with %s (%s) is not allowed by the catalog's linkage table",
                        first.id(), first.source(), second.id(), second.source());
            }
            if (first.personIdColumn().isEmpty() || second.personIdColumn().isEmpty()) {
                throw SpeException.invalid("Linking %s with %s needs a person ID column in both", first.id(), second.id());
            }
        }
        for (String researcher : permit.researchers()) {
            User user = accounts.user(researcher).orElseThrow(() -> SpeException.invalid("Researcher %s has no account", researcher));
            if (!user.has(Role.RESEARCHER)) {
                throw SpeException.invalid("User %s is not a researcher", researcher);
            }
        }
        if (!sdcProfiles.contains(permit.sdcProfile())) {
            throw SpeException.invalid("SDC profile %s is unknown; known profiles: %s", permit.sdcProfile(), sdcProfiles.stream().sorted().toList());
        }
    }

    private void guard(Caller caller, Decision decision, String action, String type, String id) {
        var event = DomainEvent.builder(caller, action).object(type, id);
        if (type.equals("permit") && !id.equals("-")) {
            event.permit(id);
        }
        events.enforce(decision, event);
    }

    private static Optional<Permit> load(Connection connection, String permitId, boolean forUpdate) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT document FROM core.permits WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            select.setString(1, permitId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(read(rows.getString(1))) : Optional.empty();
            }
        }
    }

    private static <T> T nonNull(T value, String field) {
        if (value == null) {
            throw SpeException.invalid("Field %s is required", field);
        }
        return value;
    }

    static String write(Permit permit) {
        try {
            return Json.mapper().writeValueAsString(permit);
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot serialise permit " + permit.id(), e);
        }
    }

    static Permit read(String document) {
        try {
            return Json.mapper().readValue(document, Permit.class);
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "A stored permit cannot be read", e);
        }
    }

    /** Today's date in UTC, for validity checks. */
    public LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }
}
