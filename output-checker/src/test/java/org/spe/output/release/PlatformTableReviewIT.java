package org.spe.output.release;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.permit.Permit;
import org.spe.core.testing.TestPlatform;
import org.spe.output.release.internal.FileInspector;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.CheckStatus;
import org.spe.output.sdc.EvidenceAccumulator;
import org.spe.output.sdc.SdcProfiles;
import org.spe.output.sdc.SdcTable;
import org.spe.output.sdc.TableCell;

/**
 * Tables made by the platform's table function in the airlock, over the real PostgreSQL of
 * {@link TestPlatform} and a {@link FileTableEvidenceStore}: checked from their evidence, released
 * as the regenerated table, and compared with the tables already released from the same permit
 * (differencing). The evidence here is built by the production {@link EvidenceAccumulator}; the
 * Spark side is covered by workspace-manager's {@code PlatformTableReleaseIT}.
 */
class PlatformTableReviewIT {
    private static final Caller ALICE = TestPlatform.caller("alice", Role.RESEARCHER);
    private static final Caller CAROL = TestPlatform.caller("carol", Role.OUTPUT_CHECKER);
    private static final Caller DAVE = TestPlatform.caller("dave", Role.OUTPUT_CHECKER);
    private static final AtomicInteger WORKSPACES = new AtomicInteger();

    @TempDir
    static Path folder;
    private static TestPlatform platform;
    private static Permit permit;
    private static DirectoryOutputFiles outputs;
    private static FileTableEvidenceStore store;
    private static ReleaseService service;

    @BeforeAll
    static void start() {
        platform = new TestPlatform();
        platform.database.migrate("release");
        permit = platform.permits.create(TestPlatform.caller("sam", Role.DATA_STEWARD), TestPlatform.pseudonymisedRequest());
        outputs = new DirectoryOutputFiles(folder.resolve("workspaces"));
        store = new FileTableEvidenceStore(folder.resolve("table-evidence"));
        service = new ReleaseService(platform.database.app(), platform.policy, platform.events, platform.clock, platform.permits::find,
                outputs, Ed25519PackageSigner.generate(), folder.resolve("packages"), new ReleaseLimits(1 << 20, 10, 50), store);
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    /**
     * A count table by band made "in" a workspace: each band holds the persons of its range; the
     * CSV is written into outputs/ and the evidence, with the populations, into the store.
     */
    private static TableEvidence makeTable(String workspace, String name, Map<String, int[]> bands) throws IOException {
        List<TableCell> cells = new ArrayList<>();
        Map<CellKey, RoaringBitmap> populations = new LinkedHashMap<>();
        bands.forEach((band, range) -> {
            EvidenceAccumulator cell = new EvidenceAccumulator(false, false);
            for (int person = range[0]; person < range[1]; person++) {
                cell.addRow(person, 0);
            }
            CellKey key = CellKey.of(List.of(band), List.of());
            cells.add(new TableCell(key, cell.toEvidence()));
            populations.put(key, cell.persons().clone());
        });
        SdcTable table = new SdcTable(name, Aggregation.COUNT, List.of("band"), List.of(), cells);
        TableSpec spec = TableSpec.count(List.of("band"), List.of());
        byte[] csv = PlatformTables.render(spec, table, SdcProfiles.named(permit.sdcProfile()), List.of()).csv();
        Path out = Files.createDirectories(outputs.outputs(workspace));
        Files.write(out.resolve(name), csv);
        TableEvidence evidence = new TableEvidence(TableEvidence.newId(), workspace, permit.id(), "alice", name,
                "SELECT band FROM cohort", spec, permit.sdcProfile(), table, populations, FileInspector.sha256(csv), platform.clock.instant());
        store.save(evidence);
        return evidence;
    }

    private static String workspace() {
        return "ws-pt-" + WORKSPACES.incrementAndGet();
    }

    private static ReleaseRequest release(String workspace, String file) {
        ReleaseRequest request = service.create(ALICE, workspace, permit.id(), "Bands");
        request = service.addFile(ALICE, request.id(), file, "Persons by band", Optional.empty());
        ReleaseFile added = request.fileAt(file).orElseThrow();
        if (added.needsJustification()) {
            service.justify(ALICE, request.id(), added.id(), "Reviewed");
        }
        service.submit(ALICE, request.id());
        service.startReview(CAROL, request.id());
        for (Caller checker : List.of(CAROL, DAVE)) {
            service.review(checker, request.id(), added.id(), ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);
        }
        return service.get(ALICE, request.id());
    }

    @Test
    void aPlatformTableIsCheckedFromItsEvidenceAndReleasedAsTheTable() throws IOException {
        String workspace = workspace();
        TableEvidence evidence = makeTable(workspace, "bands.csv", Map.of("a", new int[] {0, 40}, "b", new int[] {40, 45}));

        ReleaseRequest draft = service.create(ALICE, workspace, permit.id(), "Bands");
        draft = service.addFile(ALICE, draft.id(), "bands.csv", "Persons by band", Optional.empty());
        ReleaseFile file = draft.fileAt("bands.csv").orElseThrow();
        assertThat(file.kind()).isEqualTo(OutputKind.PLATFORM_TABLE);
        assertThat(file.tableSpec()).contains(evidence.spec());
        // band b has 5 persons: below the threshold of 10, from the evidence's person count
        assertThat(file.sdcStatus()).isEqualTo(CheckStatus.FAIL);
        JsonNode report = new ObjectMapper().readTree(service.get(CAROL, draft.id()).fileAt("bands.csv").orElseThrow().sdcReport());
        assertThat(report.path("kind").asText()).isEqualTo("PLATFORM_TABLE");
        assertThat(report.path("evidenceId").asText()).isEqualTo(evidence.id());
        assertThat(report.path("cells")).hasSize(2);
        assertThat(report.path("cells").get(0).path("persons").asLong()).isEqualTo(40);
        assertThat(report.path("cells").get(1).path("persons").asLong()).isEqualTo(5);
        assertThat(report.path("cells").get(1).path("rules").toString()).contains("threshold");
        // the author's view holds rule results only, not the evidence
        assertThat(draft.fileAt("bands.csv").orElseThrow().sdcReport()).doesNotContain("persons");

        service.justify(ALICE, draft.id(), file.id(), "Band b is merged in the paper");
        service.submit(ALICE, draft.id());
        service.startReview(CAROL, draft.id());
        service.review(CAROL, draft.id(), file.id(), ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);
        service.review(DAVE, draft.id(), file.id(), ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);
        assertThat(service.get(ALICE, draft.id()).state()).isEqualTo(ReleaseState.RELEASED);

        Path zip = service.download(ALICE, draft.id());
        assertThat(PackageVerifier.verify(zip, service.publicKey()).problems()).isEmpty();
        Map<String, byte[]> entries = unzip(zip);
        assertThat(new String(entries.get("files/bands.csv"), StandardCharsets.UTF_8)).isEqualTo("band,count\na,40\nb,5\n");
        JsonNode record = new ObjectMapper().readTree(entries.get(PackageVerifier.SDC_RECORD));
        JsonNode packaged = record.path("files").get(0);
        assertThat(packaged.path("kind").asText()).isEqualTo("PLATFORM_TABLE");
        assertThat(packaged.path("sdc").path("cells")).hasSize(2);
        assertThat(packaged.path("sdc").toString()).doesNotContain("persons").doesNotContain(evidence.id());
    }

    @Test
    void aChangedTableIsNoLongerAPlatformTable() throws IOException {
        String workspace = workspace();
        makeTable(workspace, "edited.csv", Map.of("a", new int[] {0, 40}, "b", new int[] {40, 80}));
        Path csv = outputs.outputs(workspace).resolve("edited.csv");
        Files.writeString(csv, Files.readString(csv).replace("a,40", "a,41"));

        ReleaseRequest draft = service.create(ALICE, workspace, permit.id(), "Edited");
        draft = service.addFile(ALICE, draft.id(), "edited.csv", "Hand-edited", Optional.empty());
        assertThat(draft.fileAt("edited.csv").orElseThrow().kind()).isEqualTo(OutputKind.AGGREGATE_TABLE);
        assertThat(draft.fileAt("edited.csv").orElseThrow().sdcStatus()).isEqualTo(CheckStatus.REVIEW);
    }

    @Test
    void aTableDifferingFromAReleasedOneByFewerThanNPersonsIsFlaggedNamingBoth() throws IOException {
        String first = workspace();
        makeTable(first, "all.csv", Map.of("young", new int[] {1000, 1100}, "old", new int[] {1100, 1300}));
        ReleaseRequest released = release(first, "all.csv");
        assertThat(released.state()).isEqualTo(ReleaseState.RELEASED);
        assertThat(released.fileAt("all.csv").orElseThrow().sdcStatus()).isEqualTo(CheckStatus.PASS);

        // the same count without a subgroup of 3 persons, made later in another workspace of the permit
        String second = workspace();
        makeTable(second, "without.csv", Map.of("young", new int[] {1003, 1100}, "old", new int[] {1100, 1300}));
        ReleaseRequest draft = service.create(ALICE, second, permit.id(), "Without the subgroup");
        draft = service.addFile(ALICE, draft.id(), "without.csv", "Persons by band, subgroup excluded", Optional.empty());
        ReleaseFile file = draft.fileAt("without.csv").orElseThrow();
        assertThat(file.kind()).isEqualTo(OutputKind.PLATFORM_TABLE);
        assertThat(file.sdcStatus()).isEqualTo(CheckStatus.FAIL);
        JsonNode report = new ObjectMapper().readTree(service.get(CAROL, draft.id()).fileAt("without.csv").orElseThrow().sdcReport());
        assertThat(report.path("breaches")).hasSize(1);
        JsonNode breach = report.path("breaches").get(0);
        assertThat(breach.path("rule").asText()).isEqualTo("differencing");
        assertThat(breach.path("detail").asText()).contains("without.csv").contains("all.csv (release " + released.id() + ")").contains("by 0 + 3 persons");
        // every cell passes on its own: only the comparison with the released table finds the 3 persons
        for (JsonNode cell : report.path("cells")) {
            assertThat(cell.path("status").asText()).isEqualTo("PASS");
        }

        // a table far from the released one (a difference of N or more persons) is not flagged
        makeTable(second, "distinct.csv", Map.of("young", new int[] {1020, 1100}, "old", new int[] {1100, 1300}));
        draft = service.addFile(ALICE, draft.id(), "distinct.csv", "Persons by band, larger subgroup excluded", Optional.empty());
        assertThat(draft.fileAt("distinct.csv").orElseThrow().sdcStatus()).isEqualTo(CheckStatus.PASS);
    }

    @Test
    void theStoreKeepsEvidencePopulationsAndTheDictionaryAcrossInstances() throws IOException {
        String workspace = workspace();
        TableEvidence evidence = makeTable(workspace, "kept.csv", Map.of("a", new int[] {5, 20}));
        store.dictionary(permit.id()).idOf("p-one");
        store.dictionary(permit.id()).idOf("p-two");
        store.saveDictionary(permit.id());

        FileTableEvidenceStore reopened = new FileTableEvidenceStore(folder.resolve("table-evidence"));
        TableEvidence read = reopened.find(workspace, evidence.id()).orElseThrow();
        assertThat(read.table()).isEqualTo(evidence.table());
        assertThat(read.spec()).isEqualTo(evidence.spec());
        assertThat(read.populations()).isEqualTo(evidence.populations());
        assertThat(reopened.findByContent(workspace, evidence.tableSha256())).map(TableEvidence::id).contains(evidence.id());
        assertThat(reopened.findByContent(workspace, "0".repeat(64))).isEmpty();
        assertThat(reopened.list(workspace)).extracting(TableEvidence::id).containsExactly(evidence.id());
        assertThat(reopened.dictionary(permit.id()).idOf("p-two")).isEqualTo(store.dictionary(permit.id()).idOf("p-two"));
        assertThat(reopened.dictionary(permit.id()).snapshot()).isEqualTo(store.dictionary(permit.id()).snapshot());
    }

    private static Map<String, byte[]> unzip(Path zip) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream zipIn = new ZipInputStream(in)) {
            for (ZipEntry entry = zipIn.getNextEntry(); entry != null; entry = zipIn.getNextEntry()) {
                entries.put(entry.getName(), zipIn.readAllBytes());
            }
        }
        return entries;
    }
}
