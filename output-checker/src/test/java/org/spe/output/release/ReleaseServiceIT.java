package org.spe.output.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.AccessDeniedException;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.event.DomainEvent;
import org.spe.core.event.EventOutcome;
import org.spe.core.permit.Permit;
import org.spe.core.testing.TestPlatform;
import org.spe.output.sdc.CheckStatus;

/** The release workflow over the real PostgreSQL of {@link TestPlatform}. */
class ReleaseServiceIT {
    private static final Caller ALICE = TestPlatform.caller("alice", Role.RESEARCHER);
    /** alice holding both roles: she still never reviews her own request. */
    private static final Caller ALICE_AS_CHECKER = new Caller("alice", EnumSet.of(Role.RESEARCHER, Role.OUTPUT_CHECKER), "s-test-alice-2", "127.0.0.1");
    private static final Caller BOB = TestPlatform.caller("bob", Role.RESEARCHER);
    private static final Caller MALLORY = TestPlatform.caller("mallory", Role.RESEARCHER);
    private static final Caller CAROL = TestPlatform.caller("carol", Role.OUTPUT_CHECKER);
    private static final Caller DAVE = TestPlatform.caller("dave", Role.OUTPUT_CHECKER);
    private static final long MAX_FILE_BYTES = 64 * 1024;
    private static final AtomicInteger WORKSPACES = new AtomicInteger();

    @TempDir
    static Path folder;
    private static TestPlatform platform;
    private static Permit permit;
    private static DirectoryOutputFiles outputs;
    private static ReleaseService service;

    @BeforeAll
    static void start() {
        platform = new TestPlatform();
        platform.database.migrate("release");
        permit = platform.permits.create(TestPlatform.caller("sam", Role.DATA_STEWARD), TestPlatform.pseudonymisedRequest());
        outputs = new DirectoryOutputFiles(folder.resolve("workspaces"));
        service = new ReleaseService(platform.database.app(), platform.policy, platform.events, platform.clock, platform.permits, outputs,
                Ed25519PackageSigner.generate(), folder.resolve("packages"), new ReleaseLimits(MAX_FILE_BYTES, 10, 50));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    /** A new workspace with an aggregate table (REVIEW) and a microdata CSV whose table passes. */
    private static String workspace() throws IOException {
        String id = "ws-" + WORKSPACES.incrementAndGet();
        Path out = Files.createDirectories(outputs.outputs(id));
        Files.writeString(out.resolve("table.csv"), "sex,count\nF,120\nM,130\n");
        StringBuilder cohort = new StringBuilder("sex\n");
        for (int i = 0; i < 50; i++) {
            cohort.append(i < 30 ? "F\n" : "M\n");
        }
        Files.writeString(out.resolve("cohort.csv"), cohort.toString());
        return id;
    }

    /** A request by alice with both files, justified, submitted and taken into review by carol. */
    private static ReleaseRequest inReview() throws IOException {
        ReleaseRequest request = draft();
        service.submit(ALICE, request.id());
        return service.startReview(CAROL, request.id());
    }

    private static ReleaseRequest draft() throws IOException {
        String workspace = workspace();
        ReleaseRequest request = service.create(ALICE, workspace, permit.id(), "Care pathways tables");
        service.addFile(ALICE, request.id(), "table.csv", "Persons by sex", Optional.empty());
        request = service.addFile(ALICE, request.id(), "cohort.csv", "Cohort by sex", Optional.of(TableSpec.count(List.of("sex"), List.of())));
        return service.justify(ALICE, request.id(), request.fileAt("table.csv").orElseThrow().id(), "Counts are all above 100");
    }

    private static void decideAll(Caller checker, ReleaseRequest request, ReviewDecision decision) {
        for (ReleaseFile file : request.files()) {
            service.review(checker, request.id(), file.id(), decision, Optional.empty(), CommentVisibility.RESEARCHER);
        }
    }

    private static List<DomainEvent> events(String requestId) {
        return platform.events.events().stream().filter(e -> e.objectId().equals(requestId)).toList();
    }

    private static void assertCategory(Throwable thrown, ErrorCategory category) {
        assertThat(((SpeException) thrown).category()).isEqualTo(category);
    }

    @Test
    void twoIndependentApprovalsReleaseASignedPackageOnlyItsAuthorDownloads() throws IOException {
        ReleaseRequest request = draft();
        assertThat(request.state()).isEqualTo(ReleaseState.DRAFT);
        assertThat(request.fileAt("table.csv").orElseThrow().sdcStatus()).isEqualTo(CheckStatus.REVIEW);
        assertThat(request.fileAt("cohort.csv").orElseThrow().sdcStatus()).isEqualTo(CheckStatus.PASS);
        assertThat(request.fileAt("cohort.csv").orElseThrow().kind()).isEqualTo(OutputKind.MICRODATA_TABLE);
        // the snapshot is what is reviewed: a later change in outputs/ changes nothing
        Files.writeString(outputs.outputs(request.workspaceId()).resolve("table.csv"), "sex,count\nF,1\n");

        assertThat(service.submit(ALICE, request.id()).state()).isEqualTo(ReleaseState.SUBMITTED);
        assertThat(service.queue(CAROL)).extracting(ReleaseRequest::id).contains(request.id());
        assertThat(service.startReview(CAROL, request.id()).state()).isEqualTo(ReleaseState.IN_REVIEW);
        decideAll(CAROL, request, ReviewDecision.APPROVE);
        assertThat(service.get(CAROL, request.id()).state()).isEqualTo(ReleaseState.IN_REVIEW);
        decideAll(DAVE, request, ReviewDecision.APPROVE);
        ReleaseRequest released = service.get(ALICE, request.id());
        assertThat(released.state()).isEqualTo(ReleaseState.RELEASED);
        assertThat(released.decidedAt()).isPresent();

        Path zip = service.download(ALICE, request.id());
        PackageVerification verification = PackageVerifier.verify(zip, service.publicKey());
        assertThat(verification.problems()).isEmpty();
        assertThat(verification.entries()).containsExactlyInAnyOrder("files/table.csv", "files/cohort.table.csv", PackageVerifier.SDC_RECORD);
        Map<String, byte[]> entries = unzip(zip);
        assertThat(new String(entries.get("files/table.csv"), StandardCharsets.UTF_8)).isEqualTo("sex,count\nF,120\nM,130\n");
        assertThat(new String(entries.get("files/cohort.table.csv"), StandardCharsets.UTF_8)).isEqualTo("sex,count\nF,30\nM,20\n");
        JsonNode record = new ObjectMapper().readTree(entries.get(PackageVerifier.SDC_RECORD));
        assertThat(record.path("profile").path("name").asText()).isEqualTo("default");
        assertThat(record.path("profile").path("threshold").asInt()).isEqualTo(10);
        assertThat(record.path("reviewers").toString()).isEqualTo("[\"carol\",\"dave\"]");
        assertThat(record.path("releasedAt").asText()).isEqualTo(released.decidedAt().orElseThrow().toString());
        JsonNode cohort = null;
        for (JsonNode file : record.path("files")) {
            if (file.path("path").asText().equals("cohort.csv")) {
                cohort = file;
            }
        }
        assertThat(cohort).isNotNull();
        assertThat(cohort.path("packagePath").asText()).isEqualTo("files/cohort.table.csv");
        assertThat(cohort.path("sha256").asText()).isEqualTo(released.fileAt("cohort.csv").orElseThrow().sha256());
        assertThat(cohort.path("sdc").path("cells")).hasSize(2);
        assertThat(cohort.path("sdc").path("cells").get(0).path("status").asText()).isEqualTo("PASS");
        // the record that leaves holds rule results, never the evidence (true values, persons, rule numbers)
        assertThat(cohort.path("sdc").path("cells").get(0).has("persons")).isFalse();
        assertThat(cohort.path("sdc").path("cells").get(0).has("value")).isFalse();
        assertThat(cohort.path("sdc").path("cells").get(0).has("ruleDetails")).isFalse();
        assertThat(cohort.path("reviews")).hasSize(2);

        assertThat(events(request.id())).extracting(DomainEvent::action).contains("release.request", "release.file.add", "release.file.justify",
                "release.submit", "release.review", "release.decision", "release.package", "release.download");
        // one event taking the request into review, then one per decision on a file
        assertThat(events(request.id())).filteredOn(e -> e.action().equals("release.review")).hasSize(5);
        assertThat(events(request.id())).filteredOn(e -> e.action().equals("release.decision"))
                .singleElement().satisfies(e -> assertThat(e.details()).containsEntry("decision", "RELEASED").containsEntry("completedBy", "dave"));
    }

    @Test
    void theAuthorNeverReviewsTheirOwnRequestWhateverRolesTheyHold() throws IOException {
        ReleaseRequest request = draft();
        service.submit(ALICE, request.id());
        assertThatThrownBy(() -> service.startReview(ALICE_AS_CHECKER, request.id()))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("alice wrote this request and cannot review it");
        service.startReview(CAROL, request.id());
        String fileId = request.files().get(0).id();
        assertThatThrownBy(() -> service.review(ALICE_AS_CHECKER, request.id(), fileId, ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("cannot review it");
        assertThatThrownBy(() -> service.review(BOB, request.id(), fileId, ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("only output checkers review releases");
        assertThat(service.queue(ALICE_AS_CHECKER)).extracting(ReleaseRequest::id).doesNotContain(request.id());
        assertThatThrownBy(() -> service.queue(BOB)).isInstanceOf(AccessDeniedException.class);
        assertThat(service.get(CAROL, request.id()).reviews()).isEmpty();
        assertThat(events(request.id())).filteredOn(e -> e.outcome() == EventOutcome.DENIED)
                .extracting(DomainEvent::action, e -> e.caller().userId())
                .contains(tuple("release.review", "alice"),
                        tuple("release.review", "bob"));
    }

    @Test
    void theSameCheckerDecidingTwiceCountsOnce() throws IOException {
        ReleaseRequest request = inReview();
        decideAll(CAROL, request, ReviewDecision.APPROVE);
        decideAll(CAROL, request, ReviewDecision.APPROVE);
        ReleaseRequest after = service.get(CAROL, request.id());
        assertThat(after.state()).isEqualTo(ReleaseState.IN_REVIEW);
        assertThat(after.reviews()).hasSize(2).allMatch(r -> r.reviewerId().equals("carol"));
    }

    @Test
    void changesRequestedReturnTheRequestAndReplacingAFileResetsOnlyItsReviews() throws IOException {
        ReleaseRequest request = inReview();
        String table = request.fileAt("table.csv").orElseThrow().id();
        String cohort = request.fileAt("cohort.csv").orElseThrow().id();
        decideAll(CAROL, request, ReviewDecision.APPROVE);
        service.review(DAVE, request.id(), table, ReviewDecision.REQUEST_CHANGES, Optional.of("Carol, check the earlier release P-7"), CommentVisibility.CHECKERS);
        service.review(DAVE, request.id(), table, ReviewDecision.REQUEST_CHANGES, Optional.of("Please merge the sexes"), CommentVisibility.RESEARCHER);
        // reviews are blind while in review: each checker sees only their own decisions and comments
        ReleaseRequest carolsView = service.get(CAROL, request.id());
        assertThat(carolsView.state()).isEqualTo(ReleaseState.IN_REVIEW);
        assertThat(carolsView.reviews()).extracting(FileReview::reviewerId).containsOnly("carol");
        assertThat(carolsView.comments()).isEmpty();
        assertThat(service.get(DAVE, request.id()).reviews()).extracting(FileReview::reviewerId).containsOnly("dave");
        assertThat(service.get(ALICE, request.id()).reviews()).isEmpty();
        service.review(DAVE, request.id(), cohort, ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);

        ReleaseRequest returned = service.get(ALICE, request.id());
        assertThat(returned.state()).isEqualTo(ReleaseState.RETURNED);
        assertThat(returned.view()).isEqualTo(ReleaseRequest.View.AUTHOR);
        assertThat(returned.comments()).extracting(ReviewComment::text).containsExactly("Please merge the sexes");
        assertThat(service.get(CAROL, request.id()).comments()).extracting(ReviewComment::text)
                .containsExactly("Carol, check the earlier release P-7", "Please merge the sexes");
        assertThat(service.get(ALICE_AS_CHECKER, request.id()).comments()).hasSize(1);

        Files.writeString(outputs.outputs(request.workspaceId()).resolve("table.csv"), "sex,count\nAll,250\n");
        ReleaseRequest replaced = service.addFile(ALICE, request.id(), "table.csv", "Persons, all", Optional.empty());
        assertThat(replaced.fileAt("table.csv").orElseThrow().id()).isEqualTo(table);
        assertThat(replaced.reviews()).extracting(FileReview::fileId).containsOnly(cohort);
        assertThat(replaced.reviews()).extracting(FileReview::reviewerId).containsExactlyInAnyOrder("carol", "dave");
        assertThatThrownBy(() -> service.submit(ALICE, request.id())).isInstanceOf(SpeException.class)
                .hasMessageContaining("table.csv (REVIEW)");
        service.justify(ALICE, request.id(), table, "One total only");
        assertThat(service.submit(ALICE, request.id()).state()).isEqualTo(ReleaseState.SUBMITTED);
        service.startReview(DAVE, request.id());
        service.review(CAROL, request.id(), table, ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);
        service.review(DAVE, request.id(), table, ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);
        assertThat(service.get(ALICE, request.id()).state()).isEqualTo(ReleaseState.RELEASED);
        assertThat(events(request.id())).filteredOn(e -> e.action().equals("release.decision")).extracting(e -> e.details().get("decision"))
                .containsExactly("RETURNED", "RELEASED");
        assertThat(events(request.id())).extracting(DomainEvent::action).contains("release.file.replace");
    }

    @Test
    void aRejectedRequestIsFinalAndNothingInItChanges() throws IOException {
        ReleaseRequest released = inReview();
        decideAll(CAROL, released, ReviewDecision.APPROVE);
        decideAll(DAVE, released, ReviewDecision.APPROVE);
        ReleaseRequest second = inReview();
        String secondTable = second.fileAt("table.csv").orElseThrow().id();
        decideAll(CAROL, second, ReviewDecision.APPROVE);
        // one REJECT outweighs a REQUEST_CHANGES and approvals
        service.review(DAVE, second.id(), second.fileAt("cohort.csv").orElseThrow().id(), ReviewDecision.REQUEST_CHANGES, Optional.empty(), CommentVisibility.RESEARCHER);
        service.review(DAVE, second.id(), secondTable, ReviewDecision.REJECT, Optional.of("Not releasable"), CommentVisibility.RESEARCHER);
        ReleaseRequest rejected = service.get(ALICE, second.id());
        assertThat(rejected.state()).isEqualTo(ReleaseState.REJECTED);

        for (Runnable change : List.<Runnable>of(
                () -> service.withdraw(ALICE, second.id()),
                () -> service.submit(ALICE, second.id()),
                () -> service.addFile(ALICE, second.id(), "table.csv", "again", Optional.empty()),
                () -> service.justify(ALICE, second.id(), secondTable, "again"),
                () -> service.removeFile(ALICE, second.id(), secondTable),
                () -> service.review(CAROL, second.id(), secondTable, ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER),
                () -> service.download(ALICE, second.id()))) {
            assertThatThrownBy(change::run).isInstanceOf(SpeException.class).satisfies(e -> assertCategory(e, ErrorCategory.CONFLICT));
        }
        assertThat(service.get(ALICE, second.id())).isEqualTo(rejected);
        assertThatThrownBy(() -> service.withdraw(ALICE, released.id())).isInstanceOf(SpeException.class).hasMessageContaining("RELEASED, which is final");
        // the database refuses too, whatever the application does
        assertThatThrownBy(() -> {
            try (Connection connection = platform.database.owner().getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("UPDATE release.requests SET state = 'DRAFT' WHERE id = '" + second.id() + "'");
            }
        }).hasMessageContaining("final");
    }

    @Test
    void onlyTheAuthorDownloadsAndOnlyOnceReleasedAndEveryRefusalIsAudited() throws IOException {
        ReleaseRequest request = inReview();
        assertThatThrownBy(() -> service.download(ALICE, request.id())).isInstanceOf(SpeException.class)
                .hasMessageContaining("only once RELEASED").satisfies(e -> assertCategory(e, ErrorCategory.CONFLICT));
        decideAll(CAROL, request, ReviewDecision.APPROVE);
        decideAll(DAVE, request, ReviewDecision.APPROVE);
        assertThatThrownBy(() -> service.download(BOB, request.id())).isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("bob did not write release request");
        assertThatThrownBy(() -> service.download(CAROL, request.id())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> service.get(MALLORY, request.id())).isInstanceOf(AccessDeniedException.class);
        assertThat(service.download(ALICE, request.id())).exists();
        assertThat(events(request.id())).filteredOn(e -> e.action().equals("release.download"))
                .extracting(e -> e.caller().userId(), DomainEvent::outcome)
                .containsExactly(tuple("alice", EventOutcome.DENIED), tuple("bob", EventOutcome.DENIED),
                        tuple("carol", EventOutcome.DENIED), tuple("alice", EventOutcome.SUCCESS));
    }

    @Test
    void theAuthorWithdrawsAndListsTheirRequests() throws IOException {
        ReleaseRequest request = draft();
        assertThat(service.mine(ALICE)).extracting(ReleaseRequest::id).contains(request.id());
        assertThat(service.mine(BOB)).extracting(ReleaseRequest::id).doesNotContain(request.id());
        assertThatThrownBy(() -> service.withdraw(BOB, request.id())).isInstanceOf(AccessDeniedException.class);
        assertThat(service.withdraw(ALICE, request.id()).state()).isEqualTo(ReleaseState.WITHDRAWN);
        assertThatThrownBy(() -> service.submit(ALICE, request.id())).isInstanceOf(SpeException.class).hasMessageContaining("WITHDRAWN, which is final");
        assertThat(events(request.id())).extracting(DomainEvent::action, DomainEvent::outcome)
                .contains(tuple("release.withdraw", EventOutcome.SUCCESS),
                        tuple("release.withdraw", EventOutcome.DENIED),
                        tuple("release.submit", EventOutcome.DENIED));
    }

    @Test
    void othersCannotEditTheRequest() throws IOException {
        ReleaseRequest request = draft();
        assertThatThrownBy(() -> service.addFile(BOB, request.id(), "table.csv", "x", Optional.empty()))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("bob did not write release request");
        assertThatThrownBy(() -> service.submit(CAROL, request.id())).isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> service.create(MALLORY, request.workspaceId(), permit.id(), "mine"))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("mallory is not named on permit");
        assertThatThrownBy(() -> service.startReview(CAROL, request.id())).isInstanceOf(SpeException.class)
                .hasMessageContaining("cannot go from DRAFT to IN_REVIEW");
    }

    @Test
    void eachKindOfBadFileIsRefusedNamingItAndTheRequestIsUnchanged() throws IOException {
        ReleaseRequest request = draft();
        Path out = outputs.outputs(request.workspaceId());
        Files.writeString(out.resolve("ragged.csv"), "a,b\n1,2\n3\n");
        Files.write(out.resolve("latin1.csv"), new byte[] {'a', '\n', (byte) 0xe9, 't', (byte) 0xe9, '\n'});
        Files.writeString(out.resolve("overflow.csv"), "group,count\nx,123456789012345678901234567890\n");
        Files.writeString(out.resolve("nan.csv"), "group,mean\nx,NaN\n");
        Files.write(out.resolve("bomb.zip"), zipBomb());
        Files.write(out.resolve("renamed.csv"), zipBomb());
        Files.write(out.resolve("large.txt"), new byte[(int) MAX_FILE_BYTES + 1]);
        Files.writeString(folder.resolve("secret.csv"), "person_id\nx\n");
        Files.createSymbolicLink(out.resolve("link.csv"), folder.resolve("secret.csv"));
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("ragged.csv", "ragged CSV");
        expected.put("latin1.csv", "is not valid UTF-8");
        expected.put("overflow.csv", "the number overflows");
        expected.put("nan.csv", "'NaN' is not a number");
        expected.put("bomb.zip", "is a zip archive");
        expected.put("renamed.csv", "is a zip archive");
        expected.put("large.txt", "is larger than the limit of " + MAX_FILE_BYTES + " bytes");
        expected.put("link.csv", "symbolic links are not followed");
        expected.put("../secret.csv", "path traversal");
        expected.put("/etc/passwd", "must be relative");
        ReleaseRequest before = service.get(ALICE, request.id());
        platform.clock.advance(Duration.ofMinutes(1));
        expected.forEach((path, message) -> assertThatThrownBy(() -> service.addFile(ALICE, request.id(), path, "bad", Optional.empty()))
                .as(path).isInstanceOf(SpeException.class).hasMessageContaining("File '" + path + "'").hasMessageContaining(message)
                .satisfies(e -> assertCategory(e, ErrorCategory.INVALID_INPUT)));
        assertThat(service.get(ALICE, request.id())).isEqualTo(before);
    }

    @Test
    void reviewersSeeFormulasNeutralised() throws IOException {
        ReleaseRequest request = draft();
        Files.writeString(outputs.outputs(request.workspaceId()).resolve("formula.csv"), "label,count\n=cmd|' /C calc'!A0,120\n");
        ReleaseRequest added = service.addFile(ALICE, request.id(), "formula.csv", "A label a spreadsheet would run", Optional.empty());
        String fileId = added.fileAt("formula.csv").orElseThrow().id();
        service.justify(ALICE, request.id(), fileId, "Labels only");
        service.submit(ALICE, request.id());
        assertThat(service.preview(CAROL, request.id(), fileId)).containsExactly(List.of("label", "count"), List.of("'=cmd|' /C calc'!A0", "120"));
        assertThatThrownBy(() -> service.preview(ALICE, request.id(), fileId)).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void theAuthorSeesRuleResultsButNotTheCheckersEvidence() throws IOException {
        String workspace = workspace();
        StringBuilder small = new StringBuilder("sex\n");
        for (int i = 0; i < 23; i++) {
            small.append(i < 20 ? "F\n" : "M\n");
        }
        Files.writeString(outputs.outputs(workspace).resolve("small.csv"), small.toString());
        ReleaseRequest request = service.create(ALICE, workspace, permit.id(), "Small cells");
        request = service.addFile(ALICE, request.id(), "small.csv", "Cohort by sex", Optional.of(TableSpec.count(List.of("sex"), List.of())));
        ReleaseFile file = request.fileAt("small.csv").orElseThrow();
        assertThat(file.sdcStatus()).isEqualTo(CheckStatus.FAIL);
        assertThat(file.sdcReport()).contains("\"rules\":[\"threshold\"]").doesNotContain("persons").doesNotContain("\"value\"");
        service.justify(ALICE, request.id(), file.id(), "Will be suppressed");
        service.submit(ALICE, request.id());
        assertThat(service.get(CAROL, request.id()).fileAt("small.csv").orElseThrow().sdcReport()).contains("\"persons\":3");
    }

    private static byte[] zipBomb() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("zeros.csv"));
            zip.write(new byte[4 << 20]);
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> unzip(Path zip) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (InputStream file = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(file)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                entries.put(entry.getName(), in.readAllBytes());
            }
        }
        return entries;
    }
}
