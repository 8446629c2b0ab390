package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.guacamole.net.GuacamoleSocket;
import org.spe.core.SpeException;

/**
 * The live desktop sessions of the platform and the rules on them: at most one session per user
 * per workspace, a session without input for the idle timeout ends, none lasts longer than the
 * maximum length, and {@link #endWorkspace} ends every session of a workspace at once (the
 * workspace was suspended, locked or destroyed). Each session ends once and the end listener hears
 * of it once (it audits {@code desktop.session.end}). Thread-safe.
 */
public final class DesktopSessions {
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxLength;
    private final BiConsumer<DesktopSession, DesktopSessionEnd> onEnd;
    private final Map<String, DesktopSession> byId = new ConcurrentHashMap<>();
    private final Map<String, DesktopSession> byUserAndWorkspace = new ConcurrentHashMap<>();

    public DesktopSessions(Clock clock, Duration idleTimeout, Duration maxLength, BiConsumer<DesktopSession, DesktopSessionEnd> onEnd) {
        this.clock = requireNonNull(clock, "clock is null");
        this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout is null");
        this.maxLength = requireNonNull(maxLength, "maxLength is null");
        this.onEnd = requireNonNull(onEnd, "onEnd is null");
    }

    /**
     * Opens a session of {@code userId} on {@code workspaceId}. {@code connect} makes its socket
     * given the new session's recording id; it runs only once the one-session rule allowed it.
     *
     * @throws SpeException CONFLICT if the user has a live session on this workspace already
     */
    public DesktopSession open(String userId, String workspaceId, String permitId, Function<String, GuacamoleSocket> connect) {
        requireNonNull(connect, "connect is null");
        String key = key(userId, workspaceId);
        String id = UUID.randomUUID().toString();
        String recordingId = "desktop-" + workspaceId + "-" + id;
        DesktopSession[] created = new DesktopSession[1];
        DesktopSession existing = byUserAndWorkspace.compute(key, (k, current) -> {
            if (current != null && current.end().isEmpty()) {
                return current;
            }
            created[0] = new DesktopSession(id, userId, workspaceId, permitId, recordingId, clock.instant(), PLACEHOLDER);
            return created[0];
        });
        if (created[0] == null || existing != created[0]) {
            throw SpeException.conflict("%s has a desktop session on workspace %s open already (one per user per workspace); close it first",
                    userId, workspaceId);
        }
        GuacamoleSocket socket;
        try {
            socket = connect.apply(recordingId);
        } catch (RuntimeException e) {
            byUserAndWorkspace.remove(key, created[0]);
            throw e;
        }
        DesktopSession session = new DesktopSession(id, userId, workspaceId, permitId, recordingId, created[0].startedAt(), socket);
        byUserAndWorkspace.replace(key, created[0], session);
        byId.put(id, session);
        return session;
    }

    /** Notes key or mouse input on the session (it is not idle). */
    public void input(String sessionId) {
        DesktopSession session = byId.get(sessionId);
        if (session != null) {
            session.input(clock.instant());
        }
    }

    /** Ends the session for {@code reason}; nothing if it has ended already or is unknown. */
    public void end(String sessionId, DesktopSessionEnd reason) {
        DesktopSession session = byId.remove(sessionId);
        if (session != null) {
            byUserAndWorkspace.remove(key(session.userId(), session.workspaceId()), session);
            if (session.finish(reason)) {
                onEnd.accept(session, reason);
            }
        }
    }

    /** Ends every session of the workspace for {@code reason}. */
    public void endWorkspace(String workspaceId, DesktopSessionEnd reason) {
        for (DesktopSession session : List.copyOf(byId.values())) {
            if (session.workspaceId().equals(workspaceId)) {
                end(session.id(), reason);
            }
        }
    }

    /** Ends idle and overlong sessions, and those {@code stillAllowed} refuses (with the reason it gives). */
    public void sweep(Function<DesktopSession, Optional<DesktopSessionEnd>> stillAllowed) {
        Instant now = clock.instant();
        for (DesktopSession session : List.copyOf(byId.values())) {
            if (!session.socket().isOpen()) {
                end(session.id(), DesktopSessionEnd.CLIENT_CLOSED);
            } else if (Duration.between(session.startedAt(), now).compareTo(maxLength) >= 0) {
                end(session.id(), DesktopSessionEnd.MAX_LENGTH);
            } else if (Duration.between(session.lastInput(), now).compareTo(idleTimeout) >= 0) {
                end(session.id(), DesktopSessionEnd.IDLE);
            } else {
                stillAllowed.apply(session).ifPresent(reason -> end(session.id(), reason));
            }
        }
    }

    /** The live sessions matching {@code filter}. */
    public List<DesktopSession> live(Predicate<DesktopSession> filter) {
        return byId.values().stream().filter(filter).toList();
    }

    /** Ends every session (platform shutdown). */
    public void endAll(DesktopSessionEnd reason) {
        for (DesktopSession session : List.copyOf(byId.values())) {
            end(session.id(), reason);
        }
    }

    private static String key(String userId, String workspaceId) {
        return requireNonNull(userId, "userId is null") + "\u0000" + requireNonNull(workspaceId, "workspaceId is null");
    }

    /** Holds a user's place while the real socket is being made. */
    private static final GuacamoleSocket PLACEHOLDER = new GuacamoleSocket() {
        @Override
        public org.apache.guacamole.io.GuacamoleReader getReader() {
            throw new IllegalStateException("not connected yet");
        }

        @Override
        public org.apache.guacamole.io.GuacamoleWriter getWriter() {
            throw new IllegalStateException("not connected yet");
        }

        @Override
        public void close() {
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    };
}
