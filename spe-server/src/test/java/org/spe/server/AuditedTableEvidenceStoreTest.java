package org.spe.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.audit.AuditActions;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.DomainEventSink;
import org.spe.output.release.FileTableEvidenceStore;
import org.spe.output.release.TableEvidence;
import org.spe.output.release.TableEvidenceStore;
import org.spe.output.release.TableSpec;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellEvidence;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.SdcTable;
import org.spe.output.sdc.TableCell;

class AuditedTableEvidenceStoreTest {
    @TempDir
    Path folder;

    @Test
    void overridesEveryMethodOfTheInterface() throws NoSuchMethodException {
        for (Method method : TableEvidenceStore.class.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            assertThat(AuditedTableEvidenceStore.class.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass())
                    .as(method.getName()).isEqualTo(AuditedTableEvidenceStore.class);
        }
    }

    @Test
    void savingEvidenceIsAFileWriteByTheResearcherWithoutValues() {
        RecordingSink events = new RecordingSink();
        TableEvidenceStore store = new AuditedTableEvidenceStore(new FileTableEvidenceStore(folder), events);
        SdcTable table = new SdcTable("t.csv", Aggregation.COUNT, List.of("sex"), List.of(),
                List.of(new TableCell(CellKey.of(List.of("F"), List.of()), CellEvidence.empty(false))));
        TableEvidence evidence = new TableEvidence(TableEvidence.newId(), "ws-1", "permit-1", "alice", "t.csv", "SELECT * FROM cohort",
                TableSpec.count(List.of("sex"), List.of()), "default", table, Map.of(), "a".repeat(64), Instant.parse("2026-12-04T00:00:00Z"));

        store.save(evidence);

        assertThat(store.find("ws-1", evidence.id())).map(TableEvidence::id).contains(evidence.id());
        assertThat(events.recorded).singleElement().satisfies(event -> {
            assertThat(event.action()).isEqualTo(AuditActions.FILE_WRITE);
            assertThat(event.caller().userId()).isEqualTo("alice");
            assertThat(event.details()).containsEntry("path", "outputs/t.csv").containsEntry("evidenceId", evidence.id())
                    .containsEntry("via", "spe.table");
        });
        assertThat(store.findByContent("ws-1", "b".repeat(64))).isEqualTo(Optional.empty());
    }

    private static final class RecordingSink implements DomainEventSink {
        final java.util.List<DomainEvent> recorded = new java.util.ArrayList<>();

        @Override
        public void record(DomainEvent event) {
            recorded.add(event);
        }

        @Override
        public void recordInTransaction(java.sql.Connection connection, DomainEvent event) {
            recorded.add(event);
        }
    }
}
