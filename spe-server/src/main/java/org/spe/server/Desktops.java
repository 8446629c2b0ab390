package org.spe.server;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.net.GuacamoleSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.audit.AuditActions;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.permit.Permit;
import org.spe.server.config.SpeConfig;
import org.spe.workspace.desktop.DesktopPolicy;
import org.spe.workspace.desktop.DesktopSession;
import org.spe.workspace.desktop.DesktopSessionEnd;
import org.spe.workspace.desktop.DesktopSessions;
import org.spe.workspace.desktop.DroppedInstruction;
import org.spe.workspace.desktop.EncryptedRecordingStore;
import org.spe.workspace.desktop.GuacdDesktopConnector;
import org.spe.workspace.desktop.PolicyFilteredSocket;
import org.spe.workspace.desktop.RecordingGuacamoleSocket;
import org.spe.workspace.desktop.VncGatewaySocket;
import org.spe.workspace.desktop.WorkspaceDesktop;
import org.spe.workspace.desktop.WorkspaceDesktops;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.lifecycle.WorkspaceState;

/**
 * Remote desktops of the platform, wired: each session's socket is the connector's (the embedded
 * gateway to the workspace's own desktop, or guacd), wrapped by the {@link PolicyFilteredSocket}
 * (drops audited as {@code desktop.instruction.drop}) and then by the
 * {@link RecordingGuacamoleSocket} (encrypted under {@code <dataDir>/desktop-recordings} with the
 * secret {@code desktop/recordings}). Session start and end are audited with the recording's id.
 * A sweeper ends idle, overlong and no-longer-allowed sessions every half second; a workspace that
 * stops (suspend, lock, destroy) ends its sessions and its desktop at once. Recordings are kept
 * for the audit retention ({@link #purgeExpiredRecordings}, scheduled by {@link Workspaces#start}).
 * Thread-safe.
 */
public final class Desktops implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Desktops.class);

    private final Platform platform;
    private final Workspaces workspaces;
    private final SpeConfig.Desktop config;
    private final WorkspaceDesktops desktops;
    private final DesktopSessions sessions;
    private final EncryptedRecordingStore recordings;
    private final DesktopRecordingRetention retention;
    private final Map<String, Caller> callers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spe-desktop-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    Desktops(Platform platform, Workspaces workspaces) {
        this.platform = requireNonNull(platform, "platform is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.config = platform.config.desktop();
        var settings = config.toSettings(platform.config.dataPath().resolve("run").resolve("desktop"));
        this.desktops = new WorkspaceDesktops(workspaces.environment.sandboxes(), settings);
        this.sessions = new DesktopSessions(platform.clock, settings.idleTimeout(), settings.maxSessionLength(), this::ended);
        this.recordings = new EncryptedRecordingStore(platform.config.dataPath().resolve("desktop-recordings"),
                platform.secrets.secret("desktop/recordings", 32));
        this.retention = new DesktopRecordingRetention(recordings, platform.events, platform.clock,
                Duration.ofDays(platform.config.audit().retentionDays()));
        workspaces.environment.onStop(workspaceId -> {
            sessions.endWorkspace(workspaceId, DesktopSessionEnd.WORKSPACE_STOPPED);
            desktops.stop(workspaceId);
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** The encrypted session recordings. */
    public EncryptedRecordingStore recordings() {
        return recordings;
    }

    /**
     * Deletes the recordings past the audit retention, each deletion audited as
     * {@code desktop.recording.purge} ({@link DesktopRecordingRetention}); a failure is logged, not
     * thrown, so a scheduler keeps calling. Blocks for the deletions and their events.
     */
    public void purgeExpiredRecordings() {
        try {
            retention.purgeExpired();
        } catch (RuntimeException e) {
            log.error("Deleting desktop recordings past the retention failed", e);
        }
    }

    /** The live sessions (one per user per workspace). */
    public DesktopSessions sessions() {
        return sessions;
    }

    /** What crosses a desktop connection of {@code permit} besides screen, keyboard and mouse. */
    public DesktopPolicy policy(Permit permit) {
        return new DesktopPolicy(config.clipboardToDesktop().contains(permit.id()), config.clipboardFromDesktop().contains(permit.id()));
    }

    /**
     * Opens a session of {@code caller} on the READY {@code workspace}, after the policy allowed it
     * (the caller's job, so the denial is audited under the caller's request). Blocks while the
     * workspace's desktop starts (first session) and the connection is made.
     *
     * @throws SpeException CONFLICT if the workspace is not running, the caller has a session on it, or workspaces run on
     *     Kubernetes (no desktop pod yet);
     *     UNAVAILABLE if the desktop cannot be started or reached
     */
    public DesktopSession open(Caller caller, Workspace workspace, Permit permit, int width, int height) {
        workspaces.requireEmbedded(workspace.id(), "Remote desktops");
        if (workspace.state() != WorkspaceState.READY || workspaces.environment.sandboxSpec(workspace.id()).isEmpty()) {
            throw SpeException.conflict("Workspace %s is %s; start it before opening its desktop", workspace.id(), workspace.state());
        }
        DesktopPolicy policy = policy(permit);
        DesktopSession session = sessions.open(caller.userId(), workspace.id(), permit.id(), recordingId -> {
            GuacamoleSocket connection = connect(caller, workspace, policy, width, height);
            GuacamoleSocket filtered = new PolicyFilteredSocket(connection, policy, drop -> dropped(caller, workspace, recordingId, drop));
            return new RecordingGuacamoleSocket(filtered, recordings.create(recordingId));
        });
        callers.put(session.id(), caller);
        platform.events.record(DomainEvent.builder(caller, AuditActions.DESKTOP_SESSION_START).object("desktop", session.id())
                .permit(permit.id()).workspace(workspace.id()).detail("recordingId", session.recordingId()).detail("connector", config.connector())
                .detail("clipboardToDesktop", policy.clipboardToDesktop()).detail("clipboardFromDesktop", policy.clipboardFromDesktop()).build());
        workspaces.workspaces.touch(workspace.id());
        return session;
    }

    /** Whether the workspace's desktop is running (embedded connector). */
    public boolean desktopRunning(String workspaceId) {
        return desktops.running(workspaceId).isPresent();
    }

    private GuacamoleSocket connect(Caller caller, Workspace workspace, DesktopPolicy policy, int width, int height) {
        if (config.connector().equals("guacd")) {
            SpeConfig.Guacd guacd = config.guacd();
            return new GuacdDesktopConnector(guacd.host(), guacd.port())
                    .connect(guacd.vncHostTemplate().replace("{workspaceId}", workspace.id().toLowerCase(java.util.Locale.ROOT)), guacd.vncPort(), policy, width, height);
        }
        var spec = workspaces.environment.sandboxSpec(workspace.id())
                .orElseThrow(() -> SpeException.conflict("Workspace %s is not running; start it first", workspace.id()));
        WorkspaceDesktop desktop = desktops.desktop(spec, width, height, policy.anyClipboard());
        return VncGatewaySocket.open(desktop.vncSocket(), caller.userId(), Clock.systemUTC());
    }

    private void dropped(Caller caller, Workspace workspace, String recordingId, DroppedInstruction drop) {
        platform.events.record(DomainEvent.builder(caller, AuditActions.DESKTOP_INSTRUCTION_DROP).object("desktop", recordingId)
                .permit(workspace.permitId()).workspace(workspace.id()).denied(drop.reason())
                .detail("direction", drop.direction().name()).detail("opcode", drop.opcode()).detail("recordingId", recordingId).build());
    }

    private void ended(DesktopSession session, DesktopSessionEnd reason) {
        Caller caller = callers.remove(session.id());
        if (caller == null) {
            caller = new Caller(session.userId(), java.util.Set.of(org.spe.core.account.Role.RESEARCHER), "desktop:" + session.id(), "platform");
        }
        try {
            platform.events.record(DomainEvent.builder(caller, AuditActions.DESKTOP_SESSION_END).object("desktop", session.id())
                    .permit(session.permitId()).workspace(session.workspaceId()).detail("recordingId", session.recordingId())
                    .detail("reason", reason.name()).detail("seconds", Duration.between(session.startedAt(), platform.clock.instant()).toSeconds()).build());
        } catch (RuntimeException e) {
            log.error("Auditing the end of desktop session {} failed", session.id(), e);
        }
    }

    private void sweep() {
        try {
            sessions.sweep(session -> {
                Optional<Workspace> workspace = workspaces.workspaces.find(session.workspaceId());
                if (workspace.isEmpty() || workspace.get().state() != WorkspaceState.READY
                        || workspaces.environment.sandboxSpec(session.workspaceId()).isEmpty()) {
                    return Optional.of(DesktopSessionEnd.WORKSPACE_STOPPED);
                }
                Optional<Permit> permit = platform.permits.find(session.permitId());
                Caller caller = callers.get(session.id());
                if (permit.isEmpty() || caller == null || !platform.policy.canOpenDesktop(caller, permit.get(), platform.permits.today(), session.workspaceId())) {
                    return Optional.of(DesktopSessionEnd.POLICY);
                }
                return Optional.empty();
            });
        } catch (RuntimeException e) {
            log.error("Checking desktop sessions failed", e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        sessions.endAll(DesktopSessionEnd.SHUTDOWN);
        desktops.close();
    }
}
