package org.spe.workspace.helper;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.spe.workspace.data.SharedSpark;
import org.spe.workspace.sandbox.BubblewrapSandboxFactory;
import org.spe.workspace.sandbox.Sandbox;
import org.spe.workspace.sandbox.SandboxFixture;
import org.spe.workspace.sql.SqlLimits;
import org.spe.workspace.sql.TestExtracts;
import org.spe.workspace.sql.WorkspaceSql;

/**
 * The control socket with the real platform side (Spark SQL over an extract) and, on the other end,
 * Debian's Python in a real bubblewrap sandbox importing the shipped {@code spe.py}.
 */
class ControlSocketIT {
    static Path root;
    static SandboxFixture fixture;
    static Sandbox sandbox;
    static WorkspaceSql sql;
    static ControlSocketServer server;
    static ServerSocket hostListener;
    static final List<String> heard = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        root = SharedSpark.tempDirectory("spe-control-it");
        fixture = new SandboxFixture(root.resolve("data"));
        Path extract = TestExtracts.write(SharedSpark.session(), root.resolve("extract"), "cohort");
        sql = WorkspaceSql.open(SharedSpark.session(), "ws-1", extract);
        server = ControlSocketServer.start(fixture.spec.controlDirectory(),
                new SqlControlHandler(sql, new SqlLimits(1_000, 1 << 20, Duration.ofMinutes(1)),
                        (operation, statement) -> heard.add(operation + ": " + statement)),
                4 << 20, 2);
        Path helper = root.resolve("helper");
        PythonHelper.install(helper);
        sandbox = new BubblewrapSandboxFactory(root.resolve("runtime"))
                .create(PythonHelper.wire(fixture.spec, helper));
        hostListener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        hostListener.setSoTimeout(200);
    }

    @AfterAll
    static void tearDown() throws IOException {
        server.close();
        sql.close();
        hostListener.close();
    }

    @Test
    void pythonInTheSandboxReachesThePlatformsSqlButNotTheHostNetwork() throws IOException {
        String output = SandboxFixture.runPython(sandbox, """
                import socket, spe
                print(spe.sql('SELECT 1 AS x'))
                df = spe.sql('SELECT id, day FROM cohort WHERE id < 3 ORDER BY id')
                print('ROWS', df['id'].tolist(), str(df['day'].dtype))
                print('TRUNCATED', spe.sql('SELECT id FROM cohort', max_rows=5).attrs['spe_truncated'])
                try:
                    socket.create_connection(('127.0.0.1', %d), timeout=2)
                    print('TCP CONNECTED')
                except OSError as e:
                    print('TCP REFUSED', type(e).__name__)
                print('END')
                """.formatted(hostListener.getLocalPort())).assertSucceeded().output();

        assertThat(output).contains("   x\n0  1", "ROWS [0, 1, 2] datetime64", "TRUNCATED True", "TCP REFUSED")
                .doesNotContain("TCP CONNECTED");
        assertThat(heard).contains("sql: SELECT 1 AS x");
        assertThat(acceptedOnHost()).isFalse();
    }

    @Test
    void rowsArriveAsCsvThatPandasReadsWithNullsQuotesAndTypesIntact() {
        String output = SandboxFixture.runPython(sandbox, """
                import spe
                df = spe.sql("SELECT CAST(NULL AS STRING) AS missing, '' AS empty, 'a,\\"b\\"\\nc' AS quoted, true AS flag, "
                             "CAST(NULL AS INT) AS no_int, CAST(7 AS BIGINT) AS seven, 1.5D AS half, '0123' AS code")
                row = df.iloc[0]
                print('VALUES', row['missing'] is None or row['missing'] != row['missing'], repr(row['empty']), repr(row['quoted']),
                      bool(row['flag']), row['no_int'] is spe._pd.NA, int(row['seven']), float(row['half']), repr(row['code']))
                print('TYPES', str(df['seven'].dtype), str(df['half'].dtype), str(df['flag'].dtype))
                empty = spe.sql('SELECT id FROM cohort WHERE id < 0')
                print('EMPTY', len(empty), list(empty.columns))
                """).assertSucceeded().output();

        assertThat(output).contains("VALUES True '' 'a,\"b\"\\nc' True True 7 1.5 '0123'", "TYPES int64 float64 bool", "EMPTY 0 ['id']");
    }

    @Test
    void refusedStatementsRaiseSpeErrorWithTheReason() {
        String output = SandboxFixture.runPython(sandbox, """
                import spe
                for q in ['DROP VIEW cohort', 'SELECT * FROM parquet.`/extract`']:
                    try:
                        spe.sql(q)
                        print('RAN', q)
                    except spe.SpeError as e:
                        print('REFUSED', e.category, e)
                try:
                    spe.table('SELECT * FROM cohort', rows='age_band', columns='flag', name='t.csv')
                except spe.SpeError as e:
                    print('TABLE', e.category, e)
                print('END')
                """).assertSucceeded().output();

        assertThat(output).contains("REFUSED INVALID_INPUT only a single read-only query",
                "REFUSED INVALID_INPUT the table parquet./extract is not one of this workspace's tables",
                "TABLE CONFLICT spe.table is not available yet").doesNotContain("RAN");
    }

    @Test
    void saveWritesIntoOutputsWithProvenance() throws IOException {
        SandboxFixture.runPython(sandbox, """
                import spe
                df = spe.sql('SELECT id, age_band FROM cohort WHERE id < 2 ORDER BY id')
                print(spe.save(df, 'first.csv'))
                spe.save('a note\\n', 'note.txt')
                try:
                    spe.save('x', '../escape.txt')
                except ValueError:
                    print('BAD NAME')
                print('END')
                """).assertSucceeded();

        Path outputs = fixture.spec.outputsDirectory();
        assertThat(Files.readString(outputs.resolve("first.csv"))).isEqualTo("id,age_band\n0,0-9\n1,10-19\n");
        assertThat(Files.readString(outputs.resolve("note.txt"))).isEqualTo("a note\n");
        JsonNode meta = new ObjectMapper().readTree(outputs.resolve("first.csv.meta.json").toFile());
        assertThat(meta.path("query").asText()).isEqualTo("SELECT id, age_band FROM cohort WHERE id < 2 ORDER BY id");
        assertThat(meta.path("workspace").asText()).isEqualTo("ws-1");
        assertThat(meta.path("user").asText()).isEqualTo("researcher");
        assertThat(meta.path("savedAt").asText()).isNotEmpty();
        assertThat(Files.exists(fixture.spec.outputsDirectory().resolveSibling("escape.txt"))).isFalse();
    }

    @Test
    void oversizedRequestsAreRefusedUnread() throws Exception {
        byte[] request = new byte[ControlSocketServer.MAX_REQUEST_BYTES + 10];
        Arrays.fill(request, (byte) 'x');
        int before = heard.size();

        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(server.socketPath()));
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    client.write(ByteBuffer.wrap(request));
                } catch (IOException e) {
                    // the server may stop reading and close first
                }
            });
            String answer = readAll(client);

            assertThat(answer).contains("\"ok\":false", "LIMIT_EXCEEDED", "request larger than 1048576 bytes");
            writing.handle((ignored, error) -> null).get();
        }
        assertThat(heard).hasSize(before);
    }

    @Test
    void malformedRequestsAreAnsweredWithAnError() throws Exception {
        assertThat(exchange("not json\n")).contains("\"ok\":false", "INVALID_INPUT", "not JSON");
        assertThat(exchange("{\"op\":\"rm\"}\n")).contains("INVALID_INPUT", "unknown op");
        assertThat(exchange("{\"op\":\"sql\",\"query\":\"SELECT 7 AS n\",\"maxRows\":1}\n"))
                .contains("\"ok\":true", "\"rows\":[[7]]", "\"truncated\":false");
    }

    @Test
    void theSocketIsPrivateAndRemovedOnClose() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socketPath())))
                .isEqualTo("rw-------");
        Path control = Files.createDirectories(root.resolve("other-control"));
        ControlSocketServer other = ControlSocketServer.start(control, request -> "{\"ok\":true}", 1024, 1);
        assertThat(other.socketPath()).exists();

        other.close();

        assertThat(other.socketPath()).doesNotExist();
    }

    private static String exchange(String request) throws IOException {
        try (SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            client.connect(UnixDomainSocketAddress.of(server.socketPath()));
            client.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            return readAll(client);
        }
    }

    private static String readAll(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        StringBuilder text = new StringBuilder();
        while (client.read(buffer) >= 0) {
            buffer.flip();
            text.append(StandardCharsets.UTF_8.decode(buffer));
            buffer.clear();
        }
        return text.toString();
    }

    private static boolean acceptedOnHost() throws IOException {
        try (var ignored = hostListener.accept()) {
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
    }
}
