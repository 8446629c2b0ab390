package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.GuacamoleSocket;

/**
 * One user's live connection to one workspace's desktop. Ends once, for one
 * {@link DesktopSessionEnd} reason; ending closes its socket (which completes its recording).
 * Thread-safe.
 */
public final class DesktopSession {
    private final String id;
    private final String userId;
    private final String workspaceId;
    private final String permitId;
    private final String recordingId;
    private final Instant startedAt;
    private final GuacamoleSocket socket;
    private final AtomicLong lastInputMillis;
    private final AtomicReference<DesktopSessionEnd> end = new AtomicReference<>();

    DesktopSession(String id, String userId, String workspaceId, String permitId, String recordingId, Instant startedAt, GuacamoleSocket socket) {
        this.id = requireNonNull(id, "id is null");
        this.userId = requireNonNull(userId, "userId is null");
        this.workspaceId = requireNonNull(workspaceId, "workspaceId is null");
        this.permitId = requireNonNull(permitId, "permitId is null");
        this.recordingId = requireNonNull(recordingId, "recordingId is null");
        this.startedAt = requireNonNull(startedAt, "startedAt is null");
        this.socket = requireNonNull(socket, "socket is null");
        this.lastInputMillis = new AtomicLong(startedAt.toEpochMilli());
    }

    public String id() {
        return id;
    }

    public String userId() {
        return userId;
    }

    public String workspaceId() {
        return workspaceId;
    }

    public String permitId() {
        return permitId;
    }

    /** The id of this session's recording in the {@link EncryptedRecordingStore}. */
    public String recordingId() {
        return recordingId;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** The socket the tunnel reads and writes (policy-filtered and recorded). */
    public GuacamoleSocket socket() {
        return socket;
    }

    /** When the user last pressed a key or moved the mouse. */
    public Instant lastInput() {
        return Instant.ofEpochMilli(lastInputMillis.get());
    }

    /** Why it ended, once it has. */
    public Optional<DesktopSessionEnd> end() {
        return Optional.ofNullable(end.get());
    }

    void input(Instant at) {
        lastInputMillis.accumulateAndGet(at.toEpochMilli(), Math::max);
    }

    /** Marks the session ended for {@code reason} and closes its socket; false if it had ended already. */
    boolean finish(DesktopSessionEnd reason) {
        if (!end.compareAndSet(null, requireNonNull(reason, "reason is null"))) {
            return false;
        }
        try {
            socket.close();
        } catch (GuacamoleException | RuntimeException e) {
            // the socket is gone either way
        }
        return true;
    }
}
