package org.spe.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditQueryTest {
    @Test
    void cursorsNameASequencePosition() {
        assertThat(AuditQuery.cursorSequence(AuditQuery.cursorAfter(42))).isEqualTo(42);
        assertThatThrownBy(() -> AuditQuery.builder().cursor("42").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a cursor");
    }

    @Test
    void invalidQueriesAreRefused() {
        Instant now = Instant.parse("2026-11-23T00:00:00Z");
        assertThatThrownBy(() -> AuditQuery.builder().pageSize(0).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageSize");
        assertThatThrownBy(() -> AuditQuery.builder().pageSize(10_001).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageSize");
        assertThatThrownBy(() -> AuditQuery.builder().from(now).to(now).build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("from must be before to");
    }

    @Test
    void searchPagesStablyInBothDirections() {
        InMemoryAuditLog auditLog = new InMemoryAuditLog(java.time.Clock.systemUTC());
        for (int i = 0; i < 7; i++) {
            auditLog.append(AuditRecord.builder(new AuditActor(i % 2 == 0 ? "alice" : "bob", "RESEARCHER", "", ""), AuditActions.SQL_EXECUTE)
                    .object("q", "q" + i).build());
        }
        AuditQuery newest = AuditQuery.builder().user("alice").pageSize(3).newestFirst(true).build();
        AuditPage first = auditLog.search(newest);
        AuditPage second = auditLog.search(newest.withCursor(first.nextCursor()));

        assertThat(first.events()).extracting(AuditEvent::sequence).containsExactly(7L, 5L, 3L);
        assertThat(second.events()).extracting(AuditEvent::sequence).containsExactly(1L);
        assertThat(second.nextCursor()).isEmpty();
    }
}
