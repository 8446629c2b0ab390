package org.spe.workspace.tables;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spe.core.account.Caller;
import org.spe.core.account.Role;
import org.spe.core.permit.Permit;
import org.spe.core.testing.TestPlatform;
import org.spe.output.release.CommentVisibility;
import org.spe.output.release.DirectoryOutputFiles;
import org.spe.output.release.Ed25519PackageSigner;
import org.spe.output.release.FileTableEvidenceStore;
import org.spe.output.release.OutputKind;
import org.spe.output.release.PackageVerifier;
import org.spe.output.release.ReleaseFile;
import org.spe.output.release.ReleaseLimits;
import org.spe.output.release.ReleaseRequest;
import org.spe.output.release.ReleaseService;
import org.spe.output.release.ReleaseState;
import org.spe.output.release.ReviewDecision;
import org.spe.output.release.TableEvidence;
import org.spe.output.sdc.CheckStatus;
import org.spe.workspace.data.SharedSpark;
import org.spe.workspace.helper.ControlSocketServer;
import org.spe.workspace.helper.PythonHelper;
import org.spe.workspace.helper.SqlControlHandler;
import org.spe.workspace.helper.StatementListener;
import org.spe.workspace.helper.TableControlHandler;
import org.spe.workspace.sandbox.BubblewrapSandboxFactory;
import org.spe.workspace.sandbox.Sandbox;
import org.spe.workspace.sandbox.SandboxFixture;
import org.spe.workspace.sql.SqlLimits;
import org.spe.workspace.sql.TestExtracts;
import org.spe.workspace.sql.SessionWorkspaceSql;
import org.spe.workspace.sql.WorkspaceSql;

/**
 * A table made in a workspace becomes a release output with its evidence, end to end with real
 * parts: Debian's Python in a bubblewrap sandbox calls {@code spe.table} over the control socket;
 * the platform's table function makes the table and its evidence with Spark over the workspace's
 * extract; the table lands in {@code outputs/}, the evidence in a {@link FileTableEvidenceStore};
 * a release request over the real PostgreSQL recognises the table, the output checkers see the
 * per-cell rule results from the evidence, two reviews release it as a signed package; a later
 * table that differs from the released one by a few persons is flagged (differencing).
 */
class PlatformTableReleaseIT {
    private static final Caller ALICE = TestPlatform.caller("alice", Role.RESEARCHER);
    private static final Caller CAROL = TestPlatform.caller("carol", Role.OUTPUT_CHECKER);
    private static final Caller DAVE = TestPlatform.caller("dave", Role.OUTPUT_CHECKER);
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path root;
    static TestPlatform platform;
    static Permit permit;
    static SandboxFixture fixture;
    static Sandbox sandbox;
    static SessionWorkspaceSql sql;
    static ControlSocketServer server;
    static TableControlHandler handler;
    static FileTableEvidenceStore store;
    static ReleaseService releases;
    static final List<String> heard = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        root = SharedSpark.tempDirectory("spe-platform-table-it");
        platform = new TestPlatform();
        platform.database.migrate("release");
        permit = platform.permits.create(TestPlatform.caller("sam", Role.DATA_STEWARD), TestPlatform.pseudonymisedRequest());
        fixture = new SandboxFixture(root.resolve("data"));
        Path extract = TestExtracts.write(SharedSpark.session(), root.resolve("extract"), "cohort");
        sql = WorkspaceSql.open(SharedSpark.session(), "ws-1", extract);
        store = new FileTableEvidenceStore(root.resolve("data/table-evidence"));
        SqlLimits limits = new SqlLimits(1_000, 1 << 20, Duration.ofMinutes(2));
        StatementListener listener = (operation, statement) -> heard.add(operation + ": " + statement);
        handler = new TableControlHandler(new SqlControlHandler(sql, limits, listener), new SparkWorkspaceTables(sql, limits), store,
                new TableControlHandler.Target("ws-1", permit.id(), "alice", permit.sdcProfile(), fixture.spec.outputsDirectory()),
                listener, platform.clock);
        server = ControlSocketServer.start(fixture.spec.controlDirectory(), handler, 4 << 20, 2);
        Path helper = root.resolve("helper");
        PythonHelper.install(helper);
        sandbox = new BubblewrapSandboxFactory(root.resolve("runtime")).create(PythonHelper.wire(fixture.spec, helper));
        releases = new ReleaseService(platform.database.app(), platform.policy, platform.events, platform.clock, platform.permits::find,
                new DirectoryOutputFiles(root.resolve("data/workspaces")), Ed25519PackageSigner.generate(), root.resolve("packages"),
                new ReleaseLimits(1 << 20, 10, 50), store);
    }

    @AfterAll
    static void tearDown() {
        server.close();
        sql.close();
        platform.close();
    }

    @Test
    void aTableMadeInTheWorkspaceIsReviewedFromItsEvidenceAndReleased() throws IOException {
        String output = SandboxFixture.runPython(sandbox, """
                import spe
                t = spe.table('SELECT * FROM cohort', rows='age_band', person_id='id', name='by_band')
                print('BY_BAND', t.attrs['spe_status'], t.attrs['spe_path'], len(t), list(t.columns))
                m = spe.table('SELECT * FROM cohort', rows='age_band', columns='flag', value='ratio', aggregation='mean',
                              person_id='id', name='ratio_mean.csv', margins=True)
                print('RATIO', m.attrs['spe_status'], sorted(set(m['sdc_status'])))
                print('END')
                """).assertSucceeded().output();
        assertThat(output).contains("BY_BAND PASS by_band.csv 10 ['age_band', 'count', 'sdc_status', 'sdc_rules']",
                "RATIO FAIL ['FAIL', 'PASS']");
        assertThat(heard).contains("table: SELECT * FROM cohort");
        Path outputs = fixture.spec.outputsDirectory();
        assertThat(Files.readString(outputs.resolve("by_band.csv"))).startsWith("age_band,count\n0-9,100\n10-19,100\n");
        // the evidence is the platform's, outside the workspace
        assertThat(store.list("ws-1")).extracting(TableEvidence::relativePath).contains("by_band.csv", "ratio_mean.csv");
        try (var files = Files.list(outputs)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).doesNotContain("table-evidence")
                    .noneMatch(name -> name.endsWith(".tmp"));
        }

        ReleaseRequest request = releases.create(ALICE, "ws-1", permit.id(), "Cohort tables");
        releases.addFile(ALICE, request.id(), "by_band.csv", "Persons by age band", Optional.empty());
        request = releases.addFile(ALICE, request.id(), "ratio_mean.csv", "Mean ratio by age band and flag", Optional.empty());
        ReleaseFile byBand = request.fileAt("by_band.csv").orElseThrow();
        ReleaseFile ratio = request.fileAt("ratio_mean.csv").orElseThrow();
        assertThat(byBand.kind()).isEqualTo(OutputKind.PLATFORM_TABLE);
        assertThat(byBand.sdcStatus()).isEqualTo(CheckStatus.PASS);
        assertThat(ratio.kind()).isEqualTo(OutputKind.PLATFORM_TABLE);
        assertThat(ratio.sdcStatus()).isEqualTo(CheckStatus.FAIL);

        // the checker sees per-cell rule results with the evidence's numbers
        JsonNode report = JSON.readTree(releases.get(CAROL, request.id()).fileAt("ratio_mean.csv").orElseThrow().sdcReport());
        assertThat(report.path("cells")).hasSize(10 * 2 + 10 + 2 + 1);
        JsonNode empty = null;
        for (JsonNode cell : report.path("cells")) {
            if (cell.path("row").get(0).asText().equals("0-9") && cell.path("column").get(0).asText().equals("false")) {
                empty = cell;
            }
        }
        assertThat(empty).isNotNull();
        assertThat(empty.path("persons").asLong()).isZero();
        assertThat(empty.path("rules").toString()).contains("zero");
        assertThat(empty.path("status").asText()).isEqualTo("FAIL");

        releases.justify(ALICE, request.id(), ratio.id(), "Empty cells are structural: even ages only");
        releases.submit(ALICE, request.id());
        releases.startReview(CAROL, request.id());
        for (Caller checker : List.of(CAROL, DAVE)) {
            for (ReleaseFile file : List.of(byBand, ratio)) {
                releases.review(checker, request.id(), file.id(), ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);
            }
        }
        assertThat(releases.get(ALICE, request.id()).state()).isEqualTo(ReleaseState.RELEASED);
        Path zip = releases.download(ALICE, request.id());
        assertThat(PackageVerifier.verify(zip, releases.publicKey()).problems()).isEmpty();
        Map<String, byte[]> entries = unzip(zip);
        assertThat(entries.get("files/by_band.csv")).isEqualTo(Files.readAllBytes(outputs.resolve("by_band.csv")));
        assertThat(new String(entries.get(PackageVerifier.SDC_RECORD), StandardCharsets.UTF_8)).contains("PLATFORM_TABLE")
                .doesNotContain("\"persons\"");
    }

    @Test
    void aLaterTableThatDiffersFromAReleasedOneByAFewPersonsIsFlagged() throws IOException {
        SandboxFixture.runPython(sandbox, """
                import spe
                spe.table('SELECT * FROM cohort', rows='flag', person_id='id', name='by_flag.csv')
                spe.table('SELECT * FROM cohort WHERE id >= 3', rows='flag', person_id='id', name='by_flag_later.csv')
                print('END')
                """).assertSucceeded();
        ReleaseRequest first = releases.create(ALICE, "ws-1", permit.id(), "By flag");
        first = releases.addFile(ALICE, first.id(), "by_flag.csv", "Persons by flag", Optional.empty());
        String fileId = first.fileAt("by_flag.csv").orElseThrow().id();
        releases.submit(ALICE, first.id());
        releases.startReview(CAROL, first.id());
        releases.review(CAROL, first.id(), fileId, ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);
        releases.review(DAVE, first.id(), fileId, ReviewDecision.APPROVE, Optional.empty(), CommentVisibility.RESEARCHER);
        assertThat(releases.get(ALICE, first.id()).state()).isEqualTo(ReleaseState.RELEASED);

        ReleaseRequest later = releases.create(ALICE, "ws-1", permit.id(), "By flag, later");
        later = releases.addFile(ALICE, later.id(), "by_flag_later.csv", "Persons by flag without the first three", Optional.empty());
        ReleaseFile file = later.fileAt("by_flag_later.csv").orElseThrow();
        assertThat(file.kind()).isEqualTo(OutputKind.PLATFORM_TABLE);
        assertThat(file.sdcStatus()).isEqualTo(CheckStatus.FAIL);
        JsonNode report = JSON.readTree(releases.get(CAROL, later.id()).fileAt("by_flag_later.csv").orElseThrow().sdcReport());
        assertThat(report.path("breaches").toString()).contains("differencing", "by_flag_later.csv", "by_flag.csv (release " + first.id() + ")");
    }

    @Test
    void badTableRequestsAreRefusedClearlyAndWriteNothing() throws IOException {
        Path outputs = fixture.spec.outputsDirectory();
        Path hostFile = Files.writeString(root.resolve("host-secret.txt"), "host\n");
        Files.createSymbolicLink(outputs.resolve("linked.csv"), hostFile);
        String output = SandboxFixture.runPython(sandbox, """
                import spe
                for kwargs in [dict(rows='nope', person_id='id', name='bad1'),
                               dict(rows='age_band', value='note', aggregation='mean', person_id='id', name='bad2'),
                               dict(rows='age_band', aggregation='median_of_nothing', name='bad3')]:
                    try:
                        spe.table('SELECT * FROM cohort', **kwargs)
                        print('MADE', kwargs['name'])
                    except spe.SpeError as e:
                        print('REFUSED', e.category, e)
                try:
                    spe.table('DROP VIEW cohort', rows='age_band', name='bad4')
                except spe.SpeError as e:
                    print('REFUSED', e.category, e)
                t = spe.table('SELECT * FROM cohort', rows='age_band', person_id='id', name='linked.csv')
                print('LINKED', t.attrs['spe_status'])
                print('END')
                """).assertSucceeded().output();
        assertThat(output).contains("REFUSED INVALID_INPUT row variable 'nope' is not a column of the source",
                "REFUSED INVALID_INPUT value column 'note' is string, not a number",
                "REFUSED INVALID_INPUT unknown aggregation 'median_of_nothing'",
                "REFUSED INVALID_INPUT only a single read-only query", "LINKED PASS").doesNotContain("MADE");
        for (String name : List.of("bad1.csv", "bad2.csv", "bad3.csv", "bad4.csv")) {
            assertThat(outputs.resolve(name)).doesNotExist();
        }
        // the link was replaced by the table; the file it pointed to is untouched
        assertThat(Files.isSymbolicLink(outputs.resolve("linked.csv"))).isFalse();
        assertThat(Files.readString(hostFile)).isEqualTo("host\n");
        String traversal = handler.handle("{\"op\":\"table\",\"query\":\"SELECT * FROM cohort\",\"name\":\"../escape.csv\",\"rows\":[\"age_band\"]}");
        assertThat(JSON.readTree(traversal).path("category").asText()).isEqualTo("INVALID_INPUT");
        assertThat(outputs.resolveSibling("escape.csv")).doesNotExist();
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
