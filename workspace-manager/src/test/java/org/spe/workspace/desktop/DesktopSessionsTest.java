package org.spe.workspace.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.spe.core.SpeException;
import org.spe.core.testing.MutableClock;

class DesktopSessionsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final List<String> ended = new ArrayList<>();
    private final DesktopSessions sessions = new DesktopSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8),
            (session, reason) -> ended.add(session.userId() + ":" + reason));

    private DesktopSession open(String user, String workspace, InMemoryGuacamoleSocket socket) {
        return sessions.open(user, workspace, "P-0001", recordingId -> socket);
    }

    @Test
    void oneSessionPerUserPerWorkspace() {
        DesktopSession alice = open("alice", "ws-1", new InMemoryGuacamoleSocket(List.of()));
        assertThatThrownBy(() -> open("alice", "ws-1", new InMemoryGuacamoleSocket(List.of())))
                .isInstanceOf(SpeException.class).hasMessageContaining("one per user per workspace");
        open("bob", "ws-1", new InMemoryGuacamoleSocket(List.of()));
        open("alice", "ws-2", new InMemoryGuacamoleSocket(List.of()));
        sessions.end(alice.id(), DesktopSessionEnd.CLIENT_CLOSED);
        assertThat(open("alice", "ws-1", new InMemoryGuacamoleSocket(List.of())).recordingId()).startsWith("desktop-ws-1-");
        assertThat(ended).containsExactly("alice:CLIENT_CLOSED");
    }

    @Test
    void aFailedConnectFreesTheUsersPlace() {
        assertThatThrownBy(() -> sessions.open("alice", "ws-1", "P-0001", id -> {
            throw SpeException.conflict("no desktop");
        })).hasMessageContaining("no desktop");
        assertThat(open("alice", "ws-1", new InMemoryGuacamoleSocket(List.of())).userId()).isEqualTo("alice");
    }

    @Test
    void idleAndOverlongSessionsEndAndTheirSocketsClose() {
        InMemoryGuacamoleSocket idleSocket = new InMemoryGuacamoleSocket(List.of());
        DesktopSession idle = open("alice", "ws-1", idleSocket);
        DesktopSession busy = open("bob", "ws-1", new InMemoryGuacamoleSocket(List.of()));
        for (int minute = 0; minute < 29; minute++) {
            clock.advance(Duration.ofMinutes(1));
            sessions.input(busy.id());
        }
        sessions.sweep(session -> Optional.empty());
        assertThat(ended).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        sessions.input(busy.id());
        sessions.sweep(session -> Optional.empty());
        assertThat(ended).containsExactly("alice:IDLE");
        assertThat(idleSocket.isOpen()).isFalse();
        assertThat(idle.end()).contains(DesktopSessionEnd.IDLE);
        for (int minute = 0; minute < 8 * 60; minute++) {
            clock.advance(Duration.ofMinutes(1));
            sessions.input(busy.id());
        }
        sessions.sweep(session -> Optional.empty());
        assertThat(ended).containsExactly("alice:IDLE", "bob:MAX_LENGTH");
    }

    @Test
    void aStoppedWorkspaceOrARefusingPolicyEndsSessionsAtOnceAndOnlyOnce() {
        open("alice", "ws-1", new InMemoryGuacamoleSocket(List.of()));
        open("bob", "ws-1", new InMemoryGuacamoleSocket(List.of()));
        DesktopSession other = open("alice", "ws-2", new InMemoryGuacamoleSocket(List.of()));
        sessions.endWorkspace("ws-1", DesktopSessionEnd.WORKSPACE_STOPPED);
        sessions.endWorkspace("ws-1", DesktopSessionEnd.WORKSPACE_STOPPED);
        assertThat(ended).containsExactlyInAnyOrder("alice:WORKSPACE_STOPPED", "bob:WORKSPACE_STOPPED");
        sessions.sweep(session -> Optional.of(DesktopSessionEnd.POLICY));
        assertThat(ended).contains("alice:POLICY");
        assertThat(other.end()).contains(DesktopSessionEnd.POLICY);
        assertThat(sessions.live(session -> true)).isEmpty();
    }
}
