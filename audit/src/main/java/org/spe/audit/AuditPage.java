package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/** One page of search results and, when more may follow, the cursor of the next page. */
public record AuditPage(List<AuditEvent> events, Optional<String> nextCursor) {
    public AuditPage {
        events = List.copyOf(requireNonNull(events, "events is null"));
        requireNonNull(nextCursor, "nextCursor is null");
    }
}
