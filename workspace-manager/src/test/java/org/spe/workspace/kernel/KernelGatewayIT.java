package org.spe.workspace.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.workspace.sandbox.BubblewrapSandboxFactory;
import org.spe.workspace.sandbox.SandboxFixture;

/**
 * The Kernel Gateway client against Debian's real jupyter-server and ipykernel, running in the real
 * bubblewrap sandbox of a workspace. One server and one kernel for the class; tests that break a
 * kernel start their own.
 */
class KernelGatewayIT {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final long OUTPUT_CAP = 100_000;
    /** A 1x1 green PNG. */
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

    @TempDir
    static Path root;

    static SandboxFixture fixture;
    static JupyterServerProcess server;
    static KernelGateway gateway;
    static KernelInfo kernel;
    static KernelSession session;
    static ServerSocket hostListener;

    @BeforeAll
    static void startServer() throws IOException {
        fixture = new SandboxFixture(root.resolve("data"));
        Path runtime = root.resolve("runtime");
        JupyterServerSettings settings = JupyterServerSettings.defaults(runtime)
                .withClient(KernelClientConfig.defaults().withMaxOutputBytesPerExecution(OUTPUT_CAP));
        server = JupyterServerProcess.start(new BubblewrapSandboxFactory(runtime), fixture.spec, settings);
        gateway = server.gateway();
        kernel = gateway.startKernel("python3");
        session = gateway.connect(kernel.id());
        hostListener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterAll
    static void stopServer() throws IOException {
        if (session != null) {
            session.close();
        }
        if (server != null) {
            server.close();
        }
        if (hostListener != null) {
            hostListener.close();
        }
    }

    @Test
    void kernelSpecsContainPython3() {
        assertThat(gateway.kernelSpecs())
                .extracting(KernelSpec::name, KernelSpec::language)
                .containsExactly(tuple("python3", "python"));
    }

    @Test
    void anExpressionGivesAnExecuteResult() {
        ExecutionResult result = session.execute("1+1", TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.OK);
        assertThat(result.resultText()).contains("2");
        assertThat(result.executionCount()).hasValueSatisfying(count -> assertThat(count).isPositive());
        assertThat(result.truncated()).isFalse();
    }

    @Test
    void printGivesAStreamHandedToTheListenerAsItArrives() {
        List<KernelOutput> seen = new CopyOnWriteArrayList<>();

        ExecutionResult result = session.execute("print('hello')\nimport sys; print('warn', file=sys.stderr)",
                TIMEOUT, seen::add);

        assertThat(result.status()).isEqualTo(ExecutionStatus.OK);
        assertThat(result.stdout()).isEqualTo("hello\n");
        assertThat(result.outputs()).contains(new KernelOutput.Stream(KernelOutput.StreamName.STDERR, "warn\n"));
        assertThat(seen).containsExactlyElementsOf(result.outputs());
    }

    @Test
    void anExceptionGivesAnErrorWithItsTraceback() {
        ExecutionResult result = session.execute("def f():\n    return 1/0\nf()", TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.ERROR);
        assertThat(result.error()).hasValueSatisfying(error -> {
            assertThat(error.ename()).isEqualTo("ZeroDivisionError");
            assertThat(error.evalue()).isEqualTo("division by zero");
            assertThat(error.plainTraceback()).contains("----> 2     return 1/0", "ZeroDivisionError: division by zero");
        });
    }

    @Test
    void htmlAndPngAreDisplayDataWithTheirMimeTypes() {
        ExecutionResult result = session.execute("""
                import base64
                from IPython.display import display, HTML, Image
                display(HTML('<b>cohort</b>'))
                display(Image(data=base64.b64decode('%s')))
                """.formatted(PNG), TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.OK);
        List<MimeBundle> displayed = new ArrayList<>();
        result.outputs().forEach(output -> {
            if (output instanceof KernelOutput.DisplayData display) {
                displayed.add(display.data());
            }
        });
        assertThat(displayed).hasSize(2);
        assertThat(displayed.get(0).html()).contains("<b>cohort</b>");
        assertThat(displayed.get(1).pngBase64()).hasValueSatisfying(png -> assertThat(png.strip()).isEqualTo(PNG));
        assertThat(displayed.get(1).text()).hasValueSatisfying(text -> assertThat(text).contains("Image"));
    }

    @Test
    void anEndlessLoopTimesOutIsInterruptedAndTheKernelKeepsItsState() {
        assertThat(session.execute("kept = 41", TIMEOUT).status()).isEqualTo(ExecutionStatus.OK);

        ExecutionResult result = session.execute("while True:\n    pass", Duration.ofSeconds(2));

        assertThat(result.status()).isEqualTo(ExecutionStatus.TIMEOUT);
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(30));
        ExecutionResult after = session.execute("kept + 1", TIMEOUT);
        assertThat(after.status()).isEqualTo(ExecutionStatus.OK);
        assertThat(after.resultText()).contains("42");
    }

    @Test
    void anOutputFloodIsCappedAndTheSessionStaysUsable() {
        ExecutionResult flood = session.execute("print('x' * 10_000_000)\nprint('tail')", TIMEOUT);

        assertThat(flood.status()).isEqualTo(ExecutionStatus.OK);
        assertThat(flood.truncated()).isTrue();
        assertThat(flood.stdout().length()).isLessThanOrEqualTo((int) OUTPUT_CAP).isGreaterThan(0);
        assertThat(flood.stdout()).doesNotContain("tail");
        assertThat(flood.outputs()).filteredOn(KernelOutput.Truncated.class::isInstance)
                .containsExactly(new KernelOutput.Truncated(OUTPUT_CAP));
        ExecutionResult after = session.execute("print('after')", TIMEOUT);
        assertThat(after.truncated()).isFalse();
        assertThat(after.stdout()).isEqualTo("after\n");
    }

    @Test
    void aDroppedWebSocketIsReconnectedAndTheKernelKeepsItsVariables() throws InterruptedException {
        assertThat(session.execute("survivor = 'still here'", TIMEOUT).status()).isEqualTo(ExecutionStatus.OK);

        // Cut every connection under the client, as a network failure would, and let it go quiet.
        server.forwarder().closeConnections();
        Thread.sleep(1500);

        ExecutionResult result = session.execute("survivor", TIMEOUT);
        assertThat(result.status()).isEqualTo(ExecutionStatus.OK);
        assertThat(result.resultText()).contains("'still here'");
        assertThat(session.isConnected()).isTrue();
        assertThat(server.forwarder().openConnections()).isPositive();
    }

    @Test
    void aDyingKernelIsReportedAndCanBeRestarted() {
        KernelInfo doomed = gateway.startKernel("python3");
        try (KernelSession doomedSession = gateway.connect(doomed.id())) {
            assertThat(doomedSession.execute("before = 1", TIMEOUT).status()).isEqualTo(ExecutionStatus.OK);

            ExecutionResult died = doomedSession.execute("import os; os._exit(1)", TIMEOUT);

            assertThat(died.status()).isEqualTo(ExecutionStatus.KERNEL_DIED);
            ExecutionResult automaticallyRestarted = doomedSession.execute("'before' in globals()", TIMEOUT);
            assertThat(automaticallyRestarted.resultText()).contains("False");
            assertThat(doomedSession.execute("again = 1", TIMEOUT).status()).isEqualTo(ExecutionStatus.OK);
            gateway.restart(doomed.id());
            doomedSession.awaitReady(TIMEOUT);
            ExecutionResult afterRestart = doomedSession.execute("'again' in globals(), 1 + 1", TIMEOUT);
            assertThat(afterRestart.status()).isEqualTo(ExecutionStatus.OK);
            assertThat(afterRestart.resultText()).contains("(False, 2)");
        }
        gateway.shutdown(doomed.id());
    }

    @Test
    void kernelsAreListedUntilShutDown() {
        KernelInfo extra = gateway.startKernel("python3");

        assertThat(gateway.kernels()).extracting(KernelInfo::id).contains(kernel.id(), extra.id());
        assertThat(gateway.kernel(extra.id()).name()).isEqualTo("python3");
        gateway.shutdown(extra.id());

        assertThat(gateway.kernels()).extracting(KernelInfo::id).contains(kernel.id()).doesNotContain(extra.id());
    }

    @Test
    void theKernelCannotReadTheLakeNorReachTheHostNorWriteTheExtract() throws IOException {
        ExecutionResult result = session.execute("""
                import socket
                def attempt(name, action):
                    try:
                        action()
                        print(name, 'ALLOWED')
                    except OSError as e:
                        print(name, 'DENIED', type(e).__name__)
                attempt('lake', lambda: open(%s).read())
                attempt('host', lambda: socket.create_connection(('127.0.0.1', %d), timeout=5))
                attempt('extract', lambda: open('/extract/cohort.csv', 'a').write('tampered'))
                attempt('outputs', lambda: open('/outputs/result.csv', 'w').write('n\\n12\\n'))
                """.formatted("'" + fixture.lakeFile + "'", hostListener.getLocalPort()), TIMEOUT);

        assertThat(result.status()).isEqualTo(ExecutionStatus.OK);
        assertThat(result.stdout()).isEqualTo("""
                lake DENIED FileNotFoundError
                host DENIED ConnectionRefusedError
                extract DENIED OSError
                outputs ALLOWED
                """);
        assertThat(Files.readString(fixture.spec.extractDirectory().resolve("cohort.csv"))).doesNotContain("tampered");
        assertThat(fixture.spec.outputsDirectory().resolve("result.csv")).hasContent("n\n12");
    }

    @Test
    void theBenchmarkMeasuresATrivialExecution() {
        KernelBenchmark.Figures figures = KernelBenchmark.directExecuteLatency(gateway, 5);

        assertThat(figures.runs()).isEqualTo(5);
        assertThat(figures.kernelStartSeconds()).isPositive();
        assertThat(figures.executeP50Millis()).isPositive().isLessThanOrEqualTo(figures.executeP95Millis());
    }
}
