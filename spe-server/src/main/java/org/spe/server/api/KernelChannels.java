package org.spe.server.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.javalin.websocket.WsCloseStatus;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.audit.AuditActions;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.account.Session;
import org.spe.core.event.DomainEvent;
import org.spe.core.json.Json;
import org.spe.core.permit.Permit;
import org.spe.server.Platform;
import org.spe.server.Workspaces;
import org.spe.workspace.kernel.ExecutionResult;
import org.spe.workspace.kernel.ExecutionStatus;
import org.spe.workspace.kernel.KernelSession;
import org.spe.workspace.lifecycle.Workspace;
import org.spe.workspace.lifecycle.WorkspaceState;
import org.spe.workspace.notebook.NotebookOutputs;

/**
 * The browser's WebSocket to one kernel, {@code /api/v1/workspaces/{id}/kernels/{kernelId}/channels}:
 * a thin adapter between JSON messages and a {@link KernelSession}.
 *
 * <p>The browser sends {@code {"type":"execute","code":"...","cellId":"..."}} (optional
 * {@code timeoutSeconds}) or {@code {"type":"interrupt"}}. The server answers {@code ready} once,
 * then for each execute {@code status busy}, one {@code output} per kernel output in nbformat shape
 * as the kernel produces it, {@code execute_reply} with the status and execution count, and
 * {@code status idle}; a malformed message gets an {@code error} and the socket stays open.
 * Executes of one socket run one after another. Each execute is audited with its full code before
 * it runs, after the policy is asked again (a permit suspended since the socket opened closes it).
 * When the workspace stops (suspended, locked, destroyed) its sockets are closed within half a
 * second with code 1008. A dropped socket leaves the kernel running; a new socket to the same
 * kernel finds its variables. Thread-safe.
 */
final class KernelChannels {
    static final String PATH = "/api/v1/workspaces/{id}/kernels/{kernelId}/channels";
    /** Largest message the browser may send (code of one cell), in characters. */
    static final int MAX_MESSAGE_CHARS = 1024 * 1024;
    private static final Logger log = LoggerFactory.getLogger(KernelChannels.class);
    private static final String BOUND_ATTRIBUTE = "spe.kernel";
    private static final Set<String> EXECUTE_FIELDS = Set.of("type", "code", "cellId", "timeoutSeconds");
    private static final int MAX_CELL_ID = 128;

    private final Platform platform;
    private final Workspaces workspaces;
    private final KernelAccess access;
    private final Map<String, Channel> channels = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService sweeper;

    /** One open socket and the kernel session behind it. */
    private record Channel(WsContext socket, Caller caller, KernelAccess.BoundKernel kernel, KernelSession session, ExecutorService executions) {
        void send(Map<String, Object> message) {
            String text = Json.mapper().valueToTree(message).toString();
            synchronized (this) {
                if (socket.session.isOpen()) {
                    try {
                        socket.send(text);
                    } catch (RuntimeException e) {
                        log.debug("Sending to a closing WebSocket failed: {}", e.getMessage());
                    }
                }
            }
        }
    }

    KernelChannels(Platform platform, Workspaces workspaces, KernelAccess access) {
        this.platform = requireNonNull(platform, "platform is null");
        this.workspaces = requireNonNull(workspaces, "workspaces is null");
        this.access = requireNonNull(access, "access is null");
    }

    WebSocketRoute route() {
        return new WebSocketRoute(PATH, "Stream a kernel's outputs to the browser: send execute or interrupt messages as JSON", this::beforeUpgrade, ws -> {
            ws.onConnect(this::connected);
            ws.onMessage(this::message);
            ws.onClose(ctx -> closed(ctx.sessionId()));
            ws.onError(ctx -> closed(ctx.sessionId()));
        });
    }

    /** Runs before the upgrade, after authentication: the policy decides, denials are audited and answered 403. */
    private void beforeUpgrade(Context ctx) {
        KernelAccess.BoundKernel bound = access.kernel(Api.caller(ctx), ctx.pathParam("id"), ctx.pathParam("kernelId"), AuditActions.WORKSPACE_OPEN);
        ctx.attribute(BOUND_ATTRIBUTE, bound);
    }

    private void connected(WsConnectContext ctx) {
        Session session = ctx.attribute(Api.SESSION_ATTRIBUTE);
        KernelAccess.BoundKernel bound = ctx.attribute(BOUND_ATTRIBUTE);
        if (session == null || bound == null) {
            ctx.closeSession(WsCloseStatus.SERVER_ERROR, "The socket was opened without its checks");
            return;
        }
        KernelSession kernelSession;
        try {
            kernelSession = bound.gateway().connect(bound.kernelId());
        } catch (RuntimeException e) {
            log.debug("Cannot connect to kernel {}: {}", bound.kernelId(), e.getMessage());
            ctx.closeSession(WsCloseStatus.TRY_AGAIN_LATER, "The kernel cannot be reached: " + truncate(e.getMessage()));
            return;
        }
        ExecutorService executions = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spe-kernel-channel-" + bound.kernelId());
            thread.setDaemon(true);
            return thread;
        });
        Channel channel = new Channel(ctx, session.caller(), bound, kernelSession, executions);
        channels.put(ctx.sessionId(), channel);
        platform.events.record(DomainEvent.builder(session.caller(), AuditActions.WORKSPACE_OPEN).object("kernel", bound.kernelId())
                .permit(bound.workspace().permitId()).workspace(bound.workspace().id()).detail("via", "websocket").build());
        startSweeper();
        channel.send(Map.of("type", "ready", "workspaceId", bound.workspace().id(), "kernelId", bound.kernelId()));
    }

    private void message(WsMessageContext ctx) {
        Channel channel = channels.get(ctx.sessionId());
        if (channel == null) {
            return;
        }
        JsonNode message;
        try {
            message = Json.mapper().readTree(ctx.message());
        } catch (IOException e) {
            channel.send(error(Optional.empty(), "The message is not valid JSON; send {\"type\": \"execute\", \"code\": \"...\"} or {\"type\": \"interrupt\"}"));
            return;
        }
        if (message == null || !message.isObject() || !message.path("type").isTextual()) {
            channel.send(error(Optional.empty(), "The message must be a JSON object with a type: execute or interrupt"));
            return;
        }
        String type = message.get("type").asText();
        switch (type) {
            case "execute" -> execute(channel, message);
            case "interrupt" -> interrupt(channel);
            default -> channel.send(error(Optional.empty(), "Unknown message type '" + truncate(type) + "'; known types: execute, interrupt"));
        }
    }

    private void execute(Channel channel, JsonNode message) {
        for (Iterator<String> names = message.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!EXECUTE_FIELDS.contains(name)) {
                channel.send(error(Optional.empty(), "Unknown field '" + truncate(name) + "' in execute; known fields: cellId, code, timeoutSeconds, type"));
                return;
            }
        }
        JsonNode cellNode = message.get("cellId");
        if (cellNode != null && !cellNode.isNull() && (!cellNode.isTextual() || cellNode.asText().length() > MAX_CELL_ID)) {
            channel.send(error(Optional.empty(), "cellId must be a string of at most " + MAX_CELL_ID + " characters"));
            return;
        }
        Optional<String> cellId = cellNode == null || cellNode.isNull() ? Optional.empty() : Optional.of(cellNode.asText());
        if (!message.path("code").isTextual()) {
            channel.send(error(cellId, "An execute message needs code as a string"));
            return;
        }
        String code = message.get("code").asText();
        Duration timeout = WorkspaceRoutes.EXECUTE_TIMEOUT;
        JsonNode timeoutNode = message.get("timeoutSeconds");
        if (timeoutNode != null && !timeoutNode.isNull()) {
            if (!timeoutNode.isInt() || timeoutNode.intValue() < 1 || timeoutNode.intValue() > WorkspaceRoutes.EXECUTE_TIMEOUT.toSeconds()) {
                channel.send(error(cellId, "timeoutSeconds must be a whole number from 1 to " + WorkspaceRoutes.EXECUTE_TIMEOUT.toSeconds()));
                return;
            }
            timeout = Duration.ofSeconds(timeoutNode.intValue());
        }
        Workspace workspace = channel.kernel().workspace();
        if (!stillAllowed(channel)) {
            return;
        }
        // The full code is audited before it runs, so nothing runs unrecorded.
        DomainEvent.Builder event = DomainEvent.builder(channel.caller(), AuditActions.NOTEBOOK_EXECUTE).object("kernel", channel.kernel().kernelId())
                .permit(workspace.permitId()).workspace(workspace.id()).detail("code", code).detail("via", "websocket");
        cellId.ifPresent(id -> event.detail("cellId", id));
        platform.events.record(event.build());
        workspaces.workspaces.touch(workspace.id());
        Duration limit = timeout;
        try {
            channel.executions().submit(() -> run(channel, code, cellId, limit));
        } catch (RejectedExecutionException e) {
            channel.send(error(cellId, "The socket is closing"));
        }
    }

    private void run(Channel channel, String code, Optional<String> cellId, Duration timeout) {
        channel.send(withCell(Map.of("type", "status", "state", "busy"), cellId));
        try {
            ExecutionResult result = channel.session().execute(code, timeout,
                    output -> channel.send(withCell(Map.of("type", "output", "output", NotebookOutputs.toNbformat(output)), cellId)));
            Map<String, Object> reply = new java.util.LinkedHashMap<>();
            reply.put("type", "execute_reply");
            reply.put("status", result.status().name());
            result.executionCount().ifPresent(count -> reply.put("executionCount", count));
            reply.put("truncated", result.truncated());
            reply.put("elapsedMs", result.elapsed().toMillis());
            if (result.status() == ExecutionStatus.KERNEL_DIED) {
                reply.put("detail", "The kernel died and its variables are lost; restart it (POST .../kernels/{kernelId}/restart) to go on");
            } else if (result.status() == ExecutionStatus.TIMEOUT) {
                reply.put("detail", "The code ran longer than " + timeout.toSeconds() + " s and was interrupted; the kernel keeps its variables");
            }
            channel.send(withCell(reply, cellId));
        } catch (SpeException e) {
            channel.send(error(cellId, e.getMessage()));
        } catch (RuntimeException e) {
            log.error("Execution on kernel {} failed", channel.kernel().kernelId(), e);
            channel.send(error(cellId, "The execution failed inside the platform; it has been logged"));
        }
        channel.send(withCell(Map.of("type", "status", "state", "idle"), cellId));
    }

    private void interrupt(Channel channel) {
        if (!stillAllowed(channel)) {
            return;
        }
        KernelAccess.BoundKernel kernel = channel.kernel();
        platform.events.record(DomainEvent.builder(channel.caller(), AuditActions.NOTEBOOK_KERNEL).object("kernel", kernel.kernelId())
                .permit(kernel.workspace().permitId()).workspace(kernel.workspace().id()).detail("operation", "interrupt").detail("via", "websocket").build());
        try {
            kernel.gateway().interrupt(kernel.kernelId());
            channel.send(Map.of("type", "status", "state", "interrupting"));
        } catch (SpeException e) {
            channel.send(error(Optional.empty(), e.getMessage()));
        }
    }

    /** Asks the policy again and checks the workspace still runs; otherwise tells the browser why and closes. */
    private boolean stillAllowed(Channel channel) {
        Workspace workspace = workspaces.workspaces.find(channel.kernel().workspace().id()).orElse(null);
        if (workspace == null || workspace.state() != WorkspaceState.READY || workspaces.gateway(workspace.id()).isEmpty()) {
            close(channel, "Workspace " + channel.kernel().workspace().id() + " is no longer running; its kernels are stopped");
            return false;
        }
        Permit permit = platform.permits.find(workspace.permitId()).orElseThrow();
        try {
            platform.events.enforce(platform.policy.decideUseWorkspace(channel.caller(), permit, platform.permits.today()),
                    DomainEvent.builder(channel.caller(), AuditActions.NOTEBOOK_EXECUTE).object("kernel", channel.kernel().kernelId())
                            .permit(permit.id()).workspace(workspace.id()));
            return true;
        } catch (SpeException e) {
            close(channel, e.getMessage());
            return false;
        }
    }

    private void close(Channel channel, String reason) {
        channel.send(Map.of("type", "closed", "detail", reason));
        synchronized (channel) {
            channel.socket().closeSession(WsCloseStatus.POLICY_VIOLATION, truncate(reason));
        }
        closed(channel.socket().sessionId());
    }

    private void closed(String socketId) {
        Channel channel = channels.remove(socketId);
        if (channel != null) {
            channel.executions().shutdownNow();
            channel.session().close();
        }
    }

    /** Closes the sockets of workspaces that stopped (suspend, lock, destroy cut kernels at once). */
    private void sweep() {
        try {
            for (Channel channel : List.copyOf(channels.values())) {
                if (workspaces.gateway(channel.kernel().workspace().id()).isEmpty()) {
                    close(channel, "Workspace " + channel.kernel().workspace().id() + " stopped (suspended, locked or destroyed); its kernels are cut");
                }
            }
        } catch (RuntimeException e) {
            log.error("Checking kernel sockets failed", e);
        }
    }

    private void startSweeper() {
        if (sweeper == null) {
            synchronized (this) {
                if (sweeper == null) {
                    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                        Thread thread = new Thread(runnable, "spe-kernel-channel-sweeper");
                        thread.setDaemon(true);
                        return thread;
                    });
                    scheduler.scheduleWithFixedDelay(this::sweep, 500, 500, TimeUnit.MILLISECONDS);
                    sweeper = scheduler;
                }
            }
        }
    }

    private static Map<String, Object> error(Optional<String> cellId, String detail) {
        return withCell(Map.of("type", "error", "detail", detail), cellId);
    }

    private static Map<String, Object> withCell(Map<String, Object> message, Optional<String> cellId) {
        if (cellId.isEmpty()) {
            return message;
        }
        Map<String, Object> copy = new java.util.LinkedHashMap<>(message);
        copy.put("cellId", cellId.get());
        return copy;
    }

    /** Close reasons must fit in a WebSocket close frame (123 bytes). */
    private static String truncate(String text) {
        String value = String.valueOf(text);
        return value.length() <= 100 ? value : value.substring(0, 100);
    }
}
