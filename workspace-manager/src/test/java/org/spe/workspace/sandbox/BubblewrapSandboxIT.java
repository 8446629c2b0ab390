package org.spe.workspace.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bubblewrap sandbox against the real {@code bwrap} and Debian's Python: every check is made
 * from inside the sandbox by a Python program that really tries.
 */
class BubblewrapSandboxIT {
    @TempDir
    static Path root;

    static SandboxFixture fixture;
    static Sandbox sandbox;
    static ServerSocket hostListener;

    @BeforeAll
    static void setUp() throws IOException {
        fixture = new SandboxFixture(root.resolve("data"));
        sandbox = new BubblewrapSandboxFactory(root.resolve("runtime")).create(fixture.spec);
        hostListener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        hostListener.setSoTimeout(200);
    }

    @AfterAll
    static void tearDown() throws IOException {
        hostListener.close();
    }

    @Test
    void cannotReadTheRawLake() {
        String output = SandboxFixture.runPython(sandbox, """
                import os
                try:
                    print(open(%s).read())
                except OSError as e:
                    print('DENIED', type(e).__name__)
                print('lake-visible', os.path.exists(%s))
                print('END')
                """.formatted(python(fixture.lakeFile), python(fixture.lakeFile.getParent()))).assertSucceeded().output();

        assertThat(output).contains("DENIED FileNotFoundError", "lake-visible False")
                .doesNotContain(SandboxFixture.LAKE_SECRET);
    }

    @Test
    void cannotReadAnotherWorkspacesHome() {
        String output = SandboxFixture.runPython(sandbox, """
                import os
                try:
                    print(open(%s).read())
                except OSError as e:
                    print('DENIED', type(e).__name__)
                print('home', sorted(os.listdir('/home')))
                print('END')
                """.formatted(python(fixture.otherHomeFile))).assertSucceeded().output();

        assertThat(output).contains("DENIED FileNotFoundError", "home ['researcher']")
                .doesNotContain(SandboxFixture.OTHER_HOME_SECRET);
    }

    @Test
    void cannotConnectToAListenerOnTheHostsLoopback() {
        String output = SandboxFixture.runPython(sandbox, """
                import socket
                try:
                    socket.create_connection(('127.0.0.1', %d), timeout=5)
                    print('CONNECTED')
                except OSError as e:
                    print('DENIED', type(e).__name__)
                print('interfaces', [name for _, name in socket.if_nameindex()])
                print('END')
                """.formatted(hostListener.getLocalPort())).assertSucceeded().output();

        assertThat(output).contains("DENIED ConnectionRefusedError", "interfaces ['lo']").doesNotContain("CONNECTED");
        assertThatNothingConnected();
    }

    @Test
    void extractIsReadableButNotWritable() throws IOException {
        String output = SandboxFixture.runPython(sandbox, """
                print(open('/extract/cohort.csv').read().splitlines()[0])
                for path in ('/extract/cohort.csv', '/extract/new.csv'):
                    try:
                        open(path, 'a').write('tampered')
                        print('WROTE', path)
                    except OSError as e:
                        print('DENIED', type(e).__name__)
                print('END')
                """).assertSucceeded().output();

        assertThat(output).contains("age_band,count").doesNotContain("WROTE");
        assertThat(output.lines().filter(line -> line.startsWith("DENIED OSError"))).hasSize(2);
        assertThat(Files.readString(fixture.spec.extractDirectory().resolve("cohort.csv"))).doesNotContain("tampered");
        assertThat(fixture.spec.extractDirectory().resolve("new.csv")).doesNotExist();
    }

    @Test
    void outputsAndHomeAreWritableAsAnUnprivilegedUser() throws IOException {
        String output = SandboxFixture.runPython(sandbox, """
                import os
                open('/outputs/table1.csv', 'w').write('band,n\\n40-49,12\\n')
                open(os.path.expanduser('~/scratch.txt'), 'w').write('notes')
                print('uid', os.getuid(), 'cwd', os.getcwd())
                print('END')
                """).assertSucceeded().output();

        assertThat(output).contains("uid 1000 cwd /home/researcher");
        assertThat(fixture.spec.outputsDirectory().resolve("table1.csv")).hasContent("band,n\n40-49,12");
        assertThat(fixture.spec.homeDirectory().resolve("scratch.txt")).hasContent("notes");
    }

    @Test
    void seesOnlyTheSystemAndItsOwnDirectoriesWithoutTheHostEnvironment() {
        String output = SandboxFixture.runPython(sandbox, """
                import os
                print('root', sorted(os.listdir('/')))
                print('env', sorted(os.environ))
                print('etc', sorted(os.listdir('/etc')))
                print('END')
                """).assertSucceeded().output();

        assertThat(output)
                .contains("root ['bin', 'dev', 'etc', 'extract', 'home', 'lib', 'lib64', 'outputs', 'proc', 'run',"
                        + " 'sbin', 'tmp', 'usr']")
                .contains("env ['HOME', 'LANG', 'LOGNAME', 'PATH', 'PWD', 'SPE_WORKSPACE', 'USER']")
                .doesNotContain("'shadow'", "'postgresql'");
    }

    @Test
    void stopKillsTheWholeProcessTree() throws Exception {
        SandboxProcess process = sandbox.start(List.of("/usr/bin/python3", "-c", """
                import subprocess, time
                subprocess.Popen(['/usr/bin/sleep', '300'])
                print('STARTED', flush=True)
                time.sleep(300)
                """));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!process.outputTail().contains("STARTED") && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<ProcessHandle> tree = ProcessHandle.of(process.pid()).orElseThrow().descendants().toList();
        assertThat(process.isAlive()).isTrue();
        assertThat(tree.stream().map(handle -> handle.info().command().orElse("")))
                .anyMatch(command -> command.endsWith("sleep"));

        process.stop(Duration.ofMillis(500));

        assertThat(process.isAlive()).isFalse();
        assertThat(process.exitCode()).isPresent();
        assertThat(tree).noneMatch(ProcessHandle::isAlive);
    }

    private static void assertThatNothingConnected() {
        assertThatThrownBy(() -> hostListener.accept().close()).isInstanceOf(SocketTimeoutException.class);
    }

    private static String python(Path path) {
        return "'" + path.toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
