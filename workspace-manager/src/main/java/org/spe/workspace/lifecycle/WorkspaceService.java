package org.spe.workspace.lifecycle;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.db.Transactions;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;
import org.spe.core.json.Json;
import org.spe.core.permit.Permit;
import org.spe.core.permit.PermitService;
import org.spe.core.permit.PermitTransitions;
import org.spe.core.policy.AccessPolicy;
import org.spe.core.policy.Decision;

/**
 * Workspaces: request, provision, suspend, resume, lock, destroy, and reconciliation after a
 * restart. Each state change is checked by {@link WorkspaceTransitions} and committed together
 * with its audit event; side effects go through the {@link WorkspaceEnvironment}. Thread-safe;
 * transitions of one workspace are serialised by a row lock.
 */
public final class WorkspaceService {
    private static final Logger log = LoggerFactory.getLogger(WorkspaceService.class);

    private final DataSource dataSource;
    private final AccessPolicy policy;
    private final DomainEventSink events;
    private final Clock clock;
    private final PermitService permits;
    private final WorkspaceEnvironment environment;
    private final DocumentSigner signer;

    public WorkspaceService(DataSource dataSource, AccessPolicy policy, DomainEventSink events, Clock clock, PermitService permits,
            WorkspaceEnvironment environment, DocumentSigner signer) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.events = requireNonNull(events, "events is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.permits = requireNonNull(permits, "permits is null");
        this.environment = requireNonNull(environment, "environment is null");
        this.signer = requireNonNull(signer, "signer is null");
    }

    /** A researcher named on an ACTIVE, valid permit asks for a workspace; it starts REQUESTED. */
    public Workspace request(Caller caller, String permitId, String name) {
        if (name == null || !name.matches("[\\p{L}\\p{N} _.-]{1,64}")) {
            throw SpeException.invalid("A workspace name is 1–64 letters, digits, spaces, '.', '_' or '-'");
        }
        Permit permit = permits.find(permitId).orElseThrow(() -> SpeException.notFound("Permit %s does not exist", permitId));
        guard(caller, policy.decideUseWorkspace(caller, permit, today()), "workspace.request", "permit", permitId, Optional.of(permitId));
        admit(caller, permit, "workspace.request", "permit", permitId);
        Instant now = clock.instant();
        return Transactions.inTransaction(dataSource, connection -> {
            long number;
            try (ResultSet next = connection.createStatement().executeQuery("SELECT nextval('workspace.workspace_numbers')")) {
                next.next();
                number = next.getLong(1);
            }
            Workspace workspace = new Workspace(String.format("W-%04d", number), permit.id(), permit.version(), caller.userId(), name,
                    WorkspaceState.REQUESTED, Optional.empty(), now, now, now);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO workspace.workspaces(id, permit_id, permit_version, owner_id, name, state, created_at, state_changed_at, last_activity_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, workspace.id());
                insert.setString(2, workspace.permitId());
                insert.setInt(3, workspace.permitVersion());
                insert.setString(4, workspace.ownerId());
                insert.setString(5, workspace.name());
                insert.setString(6, workspace.state().name());
                insert.setTimestamp(7, Timestamp.from(now));
                insert.setTimestamp(8, Timestamp.from(now));
                insert.setTimestamp(9, Timestamp.from(now));
                insert.executeUpdate();
            }
            events.recordInTransaction(connection, event(caller, WorkspaceState.REQUESTED, workspace).detail("name", name).build());
            return workspace;
        });
    }

    /**
     * Provisions a REQUESTED workspace: PROVISIONING, then the environment prepares and starts it,
     * then READY; FAILED (with the reason) if the environment fails. Blocking.
     */
    public Workspace provision(String workspaceId) {
        Workspace provisioning = transition(Caller.system(), workspaceId, WorkspaceState.PROVISIONING, WorkspaceActor.SYSTEM, Optional.empty());
        Permit permit = permits.find(provisioning.permitId()).orElseThrow();
        try {
            environment.prepare(provisioning, permit);
            environment.start(provisioning, permit);
        } catch (RuntimeException e) {
            log.warn("Provisioning of workspace {} failed", workspaceId, e);
            try {
                environment.stop(provisioning);
            } catch (RuntimeException stopFailure) {
                // The environment may be unreachable too (a cluster API down); reconciliation stops FAILED workspaces again.
                log.warn("Stopping workspace {} after its failed provisioning failed as well", workspaceId, stopFailure);
            }
            return transition(Caller.system(), workspaceId, WorkspaceState.FAILED, WorkspaceActor.SYSTEM, Optional.of(describe(e)));
        }
        try {
            return transition(Caller.system(), workspaceId, WorkspaceState.READY, WorkspaceActor.SYSTEM, Optional.empty());
        } catch (RuntimeException e) {
            // Moved on while it started (locked by its permit, destroyed): what started must not run on.
            log.warn("Workspace {} left PROVISIONING while it started; stopping it", workspaceId, e);
            try {
                environment.stop(provisioning);
            } catch (RuntimeException stopFailure) {
                log.warn("Stopping workspace {} failed; reconciliation stops it again", workspaceId, stopFailure);
            }
            throw e;
        }
    }

    /** Stops the processes and keeps the files. */
    public Workspace suspend(Caller caller, String workspaceId) {
        Workspace workspace = authorised(caller, workspaceId, "workspace.suspend");
        Workspace suspended = transition(caller, workspace.id(), WorkspaceState.SUSPENDED, actorOf(caller), Optional.empty());
        environment.stop(suspended);
        return suspended;
    }

    /** Starts a SUSPENDED workspace again (the permit must still be usable). */
    public Workspace resume(Caller caller, String workspaceId) {
        Workspace workspace = authorised(caller, workspaceId, "workspace.resume");
        Permit permit = permits.find(workspace.permitId()).orElseThrow();
        WorkspaceTransitions.check(workspace.state(), WorkspaceState.READY, actorOf(caller));
        admit(caller, permit, "workspace.resume", "workspace", workspace.id());
        environment.start(workspace, permit);
        return transition(caller, workspace.id(), WorkspaceState.READY, actorOf(caller), Optional.empty());
    }

    /** Stops, wipes and destroys the workspace, storing a signed deletion certificate. */
    public Workspace destroy(Caller caller, String workspaceId) {
        Workspace workspace = authorised(caller, workspaceId, "workspace.destroy");
        Workspace destroying = transition(caller, workspace.id(), WorkspaceState.DESTROYING, actorOf(caller), Optional.empty());
        return finishDestroy(destroying);
    }

    /**
     * Locks every live workspace of a permit at once (the permit is no longer usable): the state
     * first, so nothing is allowed any more, then its processes stop. One workspace that fails to
     * lock or stop is logged and the others are still locked. Returns the locked ones.
     */
    public List<Workspace> lockPermit(String permitId, String reason) {
        List<Workspace> locked = new ArrayList<>();
        for (Workspace workspace : byPermit(permitId)) {
            if (!WorkspaceTransitions.allowedFrom(workspace.state()).contains(WorkspaceState.LOCKED)) {
                continue;
            }
            try {
                Workspace lockedNow = transition(Caller.system(), workspace.id(), WorkspaceState.LOCKED, WorkspaceActor.SYSTEM, Optional.of(reason));
                locked.add(lockedNow);
                environment.stop(lockedNow);
            } catch (RuntimeException e) {
                log.error("Locking workspace {} of permit {} failed; housekeeping tries again", workspace.id(), permitId, e);
            }
        }
        return locked;
    }

    /**
     * Locks the workspaces of every permit that is not usable today, stops locked workspaces that
     * still run (a stop that failed when they were locked), and destroys (with a deletion
     * certificate) locked workspaces whose lock is older than {@code grace}. Called on a schedule.
     */
    public void enforcePermits(Duration grace) {
        LocalDate today = today();
        for (Permit permit : permits.all()) {
            if (!permit.usableOn(today)) {
                lockPermit(permit.id(), "permit " + permit.id() + " is " + permit.state() + (PermitTransitions.usable(permit.state()) ? " outside its validity" : ""));
            }
        }
        Instant cutoff = clock.instant().minus(grace);
        for (Workspace workspace : all()) {
            if (workspace.state() == WorkspaceState.LOCKED && environment.running(workspace)) {
                log.warn("Locked workspace {} still runs; stopping it", workspace.id());
                environment.stop(workspace);
            }
            if (workspace.state() == WorkspaceState.LOCKED && workspace.stateChangedAt().isBefore(cutoff)) {
                finishDestroy(transition(Caller.system(), workspace.id(), WorkspaceState.DESTROYING, WorkspaceActor.SYSTEM, Optional.of("grace period ended")));
            }
        }
    }

    /** Suspends READY workspaces without activity for {@code idle}. */
    public List<Workspace> suspendIdle(Duration idle) {
        Instant cutoff = clock.instant().minus(idle);
        List<Workspace> suspended = new ArrayList<>();
        for (Workspace workspace : all()) {
            if (workspace.state() == WorkspaceState.READY && workspace.lastActivityAt().isBefore(cutoff)) {
                environment.stop(workspace);
                suspended.add(transition(Caller.system(), workspace.id(), WorkspaceState.SUSPENDED, WorkspaceActor.SYSTEM, Optional.of("idle since " + workspace.lastActivityAt())));
            }
        }
        return suspended;
    }

    /** Records activity (a query, an execute), postponing idle suspension. */
    public void touch(String workspaceId) {
        Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE workspace.workspaces SET last_activity_at = ? WHERE id = ?")) {
                update.setTimestamp(1, Timestamp.from(clock.instant()));
                update.setString(2, workspaceId);
                update.executeUpdate();
            }
            return null;
        });
    }

    /**
     * After a restart: every workspace ends in a consistent state. REQUESTED and PROVISIONING are
     * provisioned again from scratch (preparation is idempotent); DESTROYING finishes; READY whose
     * processes died are started again; states without processes have their processes stopped.
     */
    public void reconcile() {
        for (Workspace workspace : all()) {
            switch (workspace.state()) {
                case REQUESTED -> provision(workspace.id());
                case PROVISIONING -> {
                    environment.stop(workspace);
                    transition(Caller.system(), workspace.id(), WorkspaceState.FAILED, WorkspaceActor.SYSTEM, Optional.of("interrupted by a platform restart"));
                }
                case DESTROYING -> finishDestroy(workspace);
                case READY -> {
                    if (!environment.running(workspace)) {
                        Permit permit = permits.find(workspace.permitId()).orElseThrow();
                        try {
                            environment.start(workspace, permit);
                        } catch (RuntimeException e) {
                            environment.stop(workspace);
                            transition(Caller.system(), workspace.id(), WorkspaceState.SUSPENDED, WorkspaceActor.SYSTEM, Optional.of("could not restart: " + describe(e)));
                        }
                    }
                }
                case SUSPENDED, LOCKED, FAILED, DESTROYED -> environment.stop(workspace);
            }
        }
    }

    /** The workspace, if the caller may use its permit (operators and auditors may see any). */
    public Workspace get(Caller caller, String workspaceId) {
        Workspace workspace = find(workspaceId).orElseThrow(() -> SpeException.notFound("Workspace %s does not exist", workspaceId));
        Permit permit = permits.find(workspace.permitId()).orElseThrow();
        guard(caller, policy.decideViewWorkspace(caller, permit), "workspace.read", "workspace", workspaceId, Optional.of(permit.id()));
        return workspace;
    }

    /** The live workspaces the caller may see: researchers those of their permits; operators and auditors all. */
    public List<Workspace> list(Caller caller) {
        return all().stream().filter(w -> WorkspaceTransitions.live(w.state()))
                .filter(w -> permits.find(w.permitId()).map(p -> policy.canViewWorkspace(caller, p)).orElse(false)).toList();
    }

    public Optional<Workspace> find(String workspaceId) {
        return Transactions.inTransaction(dataSource, connection -> load(connection, workspaceId, false));
    }

    public List<Workspace> all() {
        return query("SELECT * FROM workspace.workspaces ORDER BY id", null);
    }

    public List<Workspace> byPermit(String permitId) {
        return query("SELECT * FROM workspace.workspaces WHERE permit_id = ? ORDER BY id", permitId);
    }

    /** The signed deletion certificate of a destroyed workspace, as stored JSON, with its signature. */
    public Optional<String[]> certificate(String workspaceId) {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT document::text, signature FROM workspace.deletion_certificates WHERE workspace_id = ?")) {
                select.setString(1, workspaceId);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(new String[] {rows.getString(1), rows.getString(2)}) : Optional.<String[]>empty();
                }
            }
        });
    }

    private Workspace finishDestroy(Workspace destroying) {
        environment.stop(destroying);
        DeletionCertificate certificate;
        try {
            certificate = environment.wipe(destroying);
        } catch (RuntimeException e) {
            log.warn("Wiping workspace {} failed", destroying.id(), e);
            return transition(Caller.system(), destroying.id(), WorkspaceState.FAILED, WorkspaceActor.SYSTEM, Optional.of("wipe failed: " + describe(e)));
        }
        String document;
        try {
            document = Json.mapper().writeValueAsString(certificate);
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot serialise a deletion certificate", e);
        }
        String signature = signer.sign(document.getBytes(StandardCharsets.UTF_8));
        return Transactions.inTransaction(dataSource, connection -> {
            Workspace current = load(connection, destroying.id(), true).orElseThrow();
            WorkspaceTransitions.check(current.state(), WorkspaceState.DESTROYED, WorkspaceActor.SYSTEM);
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO workspace.deletion_certificates(workspace_id, issued_at, document, signature) VALUES (?, ?, ?::jsonb, ?)")) {
                insert.setString(1, current.id());
                insert.setTimestamp(2, Timestamp.from(clock.instant()));
                insert.setString(3, document);
                insert.setString(4, signature);
                insert.executeUpdate();
            }
            Workspace destroyed = write(connection, current, WorkspaceState.DESTROYED, Optional.empty());
            events.recordInTransaction(connection, event(Caller.system(), WorkspaceState.DESTROYED, destroyed)
                    .detail("files", certificate.files().size()).detail("bytes", certificate.totalBytes()).build());
            return destroyed;
        });
    }

    private Workspace transition(Caller caller, String workspaceId, WorkspaceState target, WorkspaceActor actor, Optional<String> reason) {
        return Transactions.inTransaction(dataSource, connection -> {
            Workspace current = load(connection, workspaceId, true).orElseThrow(() -> SpeException.notFound("Workspace %s does not exist", workspaceId));
            WorkspaceTransitions.check(current.state(), target, actor);
            Workspace changed = write(connection, current, target, target == WorkspaceState.FAILED || target == WorkspaceState.LOCKED ? reason : Optional.empty());
            DomainEvent.Builder event = event(caller, target, changed).detail("from", current.state().name());
            reason.ifPresent(r -> event.detail("reason", r));
            events.recordInTransaction(connection, event.build());
            return changed;
        });
    }

    private Workspace write(Connection connection, Workspace current, WorkspaceState target, Optional<String> failure) throws SQLException {
        Instant now = clock.instant();
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE workspace.workspaces SET state = ?, failure = ?, state_changed_at = ?, last_activity_at = ? WHERE id = ?")) {
            update.setString(1, target.name());
            update.setString(2, failure.orElse(null));
            update.setTimestamp(3, Timestamp.from(now));
            update.setTimestamp(4, Timestamp.from(target == WorkspaceState.READY ? now : current.lastActivityAt()));
            update.setString(5, current.id());
            update.executeUpdate();
        }
        return new Workspace(current.id(), current.permitId(), current.permitVersion(), current.ownerId(), current.name(), target, failure,
                current.createdAt(), now, target == WorkspaceState.READY ? now : current.lastActivityAt());
    }

    private Workspace authorised(Caller caller, String workspaceId, String action) {
        Workspace workspace = find(workspaceId).orElseThrow(() -> SpeException.notFound("Workspace %s does not exist", workspaceId));
        Permit permit = permits.find(workspace.permitId()).orElseThrow();
        // Resuming runs code on the permit's data, so the permit must be usable today; suspending and
        // destroying only stop or remove things.
        Decision decision = action.equals("workspace.resume") ? policy.decideUseWorkspace(caller, permit, today())
                : policy.decideManageWorkspace(caller, permit);
        guard(caller, decision, action, "workspace", workspaceId, Optional.of(permit.id()));
        return workspace;
    }

    /** Admission (compute free, budget left); a refusal is audited as a failed attempt and changes nothing. */
    private void admit(Caller caller, Permit permit, String action, String type, String id) {
        try {
            environment.admit(permit);
        } catch (SpeException e) {
            DomainEvent.Builder event = DomainEvent.builder(caller, action).object(type, id).permit(permit.id());
            if (type.equals("workspace")) {
                event.workspace(id);
            }
            events.record(event.failed(e.getMessage()).build());
            throw e;
        }
    }

    private static WorkspaceActor actorOf(Caller caller) {
        return caller.has(Role.RESEARCHER) ? WorkspaceActor.RESEARCHER : caller.has(Role.OPERATOR) ? WorkspaceActor.OPERATOR : WorkspaceActor.SYSTEM;
    }

    private void guard(Caller caller, Decision decision, String action, String type, String id, Optional<String> permitId) {
        DomainEvent.Builder event = DomainEvent.builder(caller, action).object(type, id);
        permitId.ifPresent(event::permit);
        if (type.equals("workspace")) {
            event.workspace(id);
        }
        events.enforce(decision, event);
    }

    private static DomainEvent.Builder event(Caller caller, WorkspaceState target, Workspace workspace) {
        return DomainEvent.builder(caller, WorkspaceTransitions.auditAction(target)).object("workspace", workspace.id())
                .permit(workspace.permitId()).workspace(workspace.id()).detail("state", target.name());
    }

    private static String describe(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 500 ? message.substring(0, 500) : message;
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private List<Workspace> query(String sql, String parameter) {
        return Transactions.inTransaction(dataSource, connection -> {
            try (PreparedStatement select = connection.prepareStatement(sql)) {
                if (parameter != null) {
                    select.setString(1, parameter);
                }
                try (ResultSet rows = select.executeQuery()) {
                    List<Workspace> workspaces = new ArrayList<>();
                    while (rows.next()) {
                        workspaces.add(map(rows));
                    }
                    return workspaces;
                }
            }
        });
    }

    private static Optional<Workspace> load(Connection connection, String workspaceId, boolean forUpdate) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement("SELECT * FROM workspace.workspaces WHERE id = ?" + (forUpdate ? " FOR UPDATE" : ""))) {
            select.setString(1, workspaceId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Optional.of(map(rows)) : Optional.empty();
            }
        }
    }

    private static Workspace map(ResultSet rows) throws SQLException {
        return new Workspace(rows.getString("id"), rows.getString("permit_id"), rows.getInt("permit_version"), rows.getString("owner_id"),
                rows.getString("name"), WorkspaceState.valueOf(rows.getString("state")), Optional.ofNullable(rows.getString("failure")),
                rows.getTimestamp("created_at").toInstant(), rows.getTimestamp("state_changed_at").toInstant(), rows.getTimestamp("last_activity_at").toInstant());
    }
}
