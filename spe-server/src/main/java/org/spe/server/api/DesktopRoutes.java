package org.spe.server.api;

import static io.javalin.http.HandlerType.GET;

import io.javalin.http.Context;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.audit.AuditActions;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.event.DomainEvent;
import org.spe.core.permit.Permit;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.workspace.desktop.DesktopSession;
import org.spe.workspace.desktop.DesktopSessionEnd;
import org.spe.workspace.desktop.DesktopSettings;
import org.spe.workspace.desktop.EncryptedRecordingStore;
import org.spe.workspace.desktop.Instruction;
import org.spe.workspace.desktop.InstructionParser;
import org.spe.workspace.lifecycle.Workspace;

/**
 * The remote desktop's browser side: the Guacamole WebSocket tunnel
 * {@code /api/v1/workspaces/{id}/desktop/tunnel} (subprotocol {@code guacamole}; optional query
 * parameters {@code width} and {@code height}) and, for auditors, the session recordings. A thin
 * adapter: the policy decides ({@code decideOpenDesktop}, {@code decideReplayDesktopRecording}),
 * {@link org.spe.server.Desktops} makes the policy-filtered, recorded socket, and this class
 * moves instructions between it and the WebSocket as guacamole-common's own WebSocket endpoint
 * does: the tunnel's UUID first as an internal instruction, then everything the desktop sends,
 * batched; internal {@code ping}s are answered here; key and mouse input keep the session alive.
 * When a session ends for another reason than the browser (idle, maximum length, workspace
 * stopped, policy), the browser gets an {@code error} instruction saying why before the close.
 */
public final class DesktopRoutes implements RouteModule {
    static final String TUNNEL = "/api/v1/workspaces/{id}/desktop/tunnel";
    private static final Logger log = LoggerFactory.getLogger(DesktopRoutes.class);
    private static final String SESSION_ATTRIBUTE = "spe.desktop";
    private static final int BATCH_CHARS = 8192;

    private final Workspaces workspaces;
    private final Map<String, Tunnel> tunnels = new ConcurrentHashMap<>();

    /** One open WebSocket and its desktop session. */
    private record Tunnel(WsContext socket, DesktopSession session, InstructionParser parser) {
        void send(String text) {
            synchronized (this) {
                if (socket.session.isOpen()) {
                    socket.send(text);
                }
            }
        }
    }

    public DesktopRoutes(Workspaces workspaces) {
        this.workspaces = workspaces;
    }

    @Override
    public List<Route> routes(Platform platform) {
        return List.of(
                new Route(GET, "/api/v1/desktop/recordings", "Desktop session recordings, newest first (auditors)", "desktop", true, Optional.empty(), ctx -> {
                    Caller caller = Api.caller(ctx);
                    platform.events.enforce(platform.policy.decideReplayDesktopRecording(caller),
                            DomainEvent.builder(caller, AuditActions.DESKTOP_RECORDING_READ).object("route", "GET /api/v1/desktop/recordings"));
                    String workspace = ctx.queryParam("workspaceId");
                    ctx.json(workspaces.desktops.recordings().list().stream()
                            .filter(r -> workspace == null || r.id().startsWith("desktop-" + workspace + "-"))
                            .map(r -> Map.of("id", r.id(), "bytes", r.bytes(), "modified", r.modified().toString())).toList());
                }),
                new Route(GET, "/api/v1/desktop/recordings/{id}", "One desktop session recording in the Guacamole recording format, decrypted (auditors)",
                        "desktop", true, Optional.empty(), ctx -> {
                            Caller caller = Api.caller(ctx);
                            String id = ctx.pathParam("id");
                            platform.events.enforce(platform.policy.decideReplayDesktopRecording(caller),
                                    DomainEvent.builder(caller, AuditActions.DESKTOP_RECORDING_READ).object("recording", id));
                            EncryptedRecordingStore.Recording recording = workspaces.desktops.recordings().read(id);
                            platform.events.record(DomainEvent.builder(caller, AuditActions.DESKTOP_RECORDING_READ).object("recording", id)
                                    .detail("complete", recording.complete()).detail("characters", recording.protocol().length()).build());
                            ctx.header("X-Recording-Complete", Boolean.toString(recording.complete()));
                            ctx.contentType("text/plain; charset=utf-8").result(recording.protocol());
                        }));
    }

    @Override
    public List<WebSocketRoute> webSockets(Platform platform) {
        return List.of(new WebSocketRoute(TUNNEL, "The workspace's remote desktop over the Guacamole protocol (subprotocol guacamole)",
                ctx -> beforeUpgrade(platform, ctx), ws -> {
                    ws.onConnect(this::connected);
                    ws.onMessage(this::message);
                    ws.onClose(ctx -> closed(ctx.sessionId(), DesktopSessionEnd.CLIENT_CLOSED));
                    ws.onError(ctx -> closed(ctx.sessionId(), DesktopSessionEnd.ERROR));
                }));
    }

    /** After authentication, origin and CSRF: the policy, the workspace's state, then the session. */
    private void beforeUpgrade(Platform platform, Context ctx) {
        Caller caller = Api.caller(ctx);
        String workspaceId = ctx.pathParam("id");
        Workspace workspace = workspaces.workspaces.find(workspaceId).orElseThrow(() -> SpeException.notFound("Workspace %s does not exist", workspaceId));
        Permit permit = platform.permits.find(workspace.permitId())
                .orElseThrow(() -> new IllegalStateException("workspace " + workspaceId + " names a missing permit"));
        platform.events.enforce(platform.policy.decideOpenDesktop(caller, permit, platform.permits.today(), workspace.id()),
                DomainEvent.builder(caller, AuditActions.DESKTOP_SESSION_START).object("workspace", workspace.id()).permit(permit.id()).workspace(workspace.id()));
        int width = size(ctx, "width", platform.config.desktop().width());
        int height = size(ctx, "height", platform.config.desktop().height());
        try {
            DesktopSettings.checkSize(width, height);
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("%s", e.getMessage());
        }
        ctx.attribute(SESSION_ATTRIBUTE, workspaces.desktops.open(caller, workspace, permit, width, height));
    }

    private static int size(Context ctx, String name, int fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw SpeException.invalid("%s must be a whole number of pixels", name);
        }
    }

    private void connected(WsConnectContext ctx) {
        DesktopSession session = ctx.attribute(SESSION_ATTRIBUTE);
        if (session == null) {
            ctx.closeSession(1011, "The socket was opened without its checks");
            return;
        }
        ctx.session.setIdleTimeout(java.time.Duration.ofMinutes(2));
        Tunnel tunnel = new Tunnel(ctx, session, new InstructionParser());
        tunnels.put(ctx.sessionId(), tunnel);
        Thread reader = new Thread(() -> pump(tunnel), "spe-desktop-tunnel-" + session.id());
        reader.setDaemon(true);
        reader.start();
    }

    /** Desktop to browser, on its own thread until the desktop's stream ends. */
    private void pump(Tunnel tunnel) {
        DesktopSession session = tunnel.session();
        StringBuilder batch = new StringBuilder(BATCH_CHARS);
        GuacamoleStatus status = GuacamoleStatus.SUCCESS;
        try {
            tunnel.send(Instruction.of("", session.id()).encode());
            GuacamoleReader reader = session.socket().getReader();
            char[] chunk;
            while ((chunk = reader.read()) != null) {
                batch.append(chunk);
                if (!reader.available() || batch.length() >= BATCH_CHARS) {
                    tunnel.send(batch.toString());
                    batch.setLength(0);
                }
            }
        } catch (GuacamoleException | RuntimeException e) {
            log.debug("Desktop session {} stream ended: {}", session.id(), e.getMessage());
            status = GuacamoleStatus.UPSTREAM_ERROR;
        }
        DesktopSessionEnd reason = session.end().orElse(workspaces.desktops.desktopRunning(session.workspaceId()) || status != GuacamoleStatus.SUCCESS
                ? DesktopSessionEnd.ERROR : DesktopSessionEnd.WORKSPACE_STOPPED);
        workspaces.desktops.sessions().end(session.id(), reason);
        if (reason != DesktopSessionEnd.CLIENT_CLOSED) {
            GuacamoleStatus closing = switch (reason) {
                case IDLE, MAX_LENGTH -> GuacamoleStatus.SESSION_TIMEOUT;
                case WORKSPACE_STOPPED, POLICY, SHUTDOWN -> GuacamoleStatus.SESSION_CLOSED;
                case ERROR, CLIENT_CLOSED -> GuacamoleStatus.UPSTREAM_ERROR;
            };
            tunnel.send(Instruction.of("error", message(reason), closing.getGuacamoleStatusCode()).encode());
            close(tunnel, closing);
        } else {
            close(tunnel, GuacamoleStatus.SUCCESS);
        }
    }

    private static String message(DesktopSessionEnd reason) {
        return switch (reason) {
            case IDLE -> "The desktop session was closed after a period without input";
            case MAX_LENGTH -> "The desktop session reached its maximum length";
            case WORKSPACE_STOPPED -> "The workspace stopped (suspended, locked or destroyed)";
            case POLICY -> "You may no longer use this workspace";
            case SHUTDOWN -> "The platform is shutting down";
            case ERROR -> "The connection to the desktop failed";
            case CLIENT_CLOSED -> "Closed";
        };
    }

    private void close(Tunnel tunnel, GuacamoleStatus status) {
        tunnels.remove(tunnel.socket().sessionId());
        synchronized (tunnel) {
            if (tunnel.socket().session.isOpen()) {
                tunnel.socket().closeSession(status.getWebSocketCode(), Integer.toString(status.getGuacamoleStatusCode()));
            }
        }
    }

    /** Browser to desktop: parse strictly, answer pings, note input, pass the rest to the (filtered) socket. */
    private void message(WsMessageContext ctx) {
        Tunnel tunnel = tunnels.get(ctx.sessionId());
        if (tunnel == null) {
            return;
        }
        DesktopSession session = tunnel.session();
        try {
            synchronized (tunnel.parser()) {
                tunnel.parser().append(ctx.message());
                Optional<Instruction> next;
                while ((next = tunnel.parser().next()).isPresent()) {
                    Instruction instruction = next.get();
                    switch (instruction.opcode()) {
                        case "" -> {
                            if (instruction.arguments().size() >= 2 && instruction.arguments().get(0).equals("ping")) {
                                tunnel.send(Instruction.of("", "ping", instruction.arguments().get(1)).encode());
                            }
                        }
                        case "disconnect" -> workspaces.desktops.sessions().end(session.id(), DesktopSessionEnd.CLIENT_CLOSED);
                        default -> {
                            if (instruction.opcode().equals("key") || instruction.opcode().equals("mouse")) {
                                workspaces.desktops.sessions().input(session.id());
                            }
                            session.socket().getWriter().writeInstruction(instruction.toGuacamole());
                        }
                    }
                }
            }
        } catch (SpeException e) {
            log.debug("Desktop session {} sent a malformed instruction: {}", session.id(), e.getMessage());
            tunnel.send(Instruction.of("error", e.getMessage(), GuacamoleStatus.CLIENT_BAD_REQUEST.getGuacamoleStatusCode()).encode());
            workspaces.desktops.sessions().end(session.id(), DesktopSessionEnd.ERROR);
        } catch (GuacamoleException e) {
            log.debug("Writing to desktop session {} failed: {}", session.id(), e.getMessage());
            workspaces.desktops.sessions().end(session.id(), DesktopSessionEnd.ERROR);
        }
    }

    private void closed(String socketId, DesktopSessionEnd reason) {
        Tunnel tunnel = tunnels.remove(socketId);
        if (tunnel != null) {
            workspaces.desktops.sessions().end(tunnel.session().id(), reason);
        }
    }
}
