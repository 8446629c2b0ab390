package org.spe.workspace.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.RetriableException;
import org.spe.workspace.sandbox.BubblewrapSandboxFactory;
import org.spe.workspace.sandbox.SandboxFixture;

/** Starting and stopping a workspace's real jupyter-server in the real sandbox. */
class JupyterServerProcessIT {
    @TempDir
    Path root;

    @Test
    void aServerThatDiesAtStartIsReportedWithTheTailOfItsOutput() throws IOException {
        SandboxFixture fixture = new SandboxFixture(root.resolve("data"));
        Path runtime = root.resolve("runtime");
        JupyterServerSettings broken = new JupyterServerSettings(Path.of("/usr/bin/false"), Path.of("/usr/bin/python3"),
                runtime, Duration.ofSeconds(30), KernelClientConfig.defaults());

        assertThatThrownBy(() -> JupyterServerProcess.start(new BubblewrapSandboxFactory(runtime), fixture.spec, broken))
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("jupyter-server of workspace ws-1 exited with code 1 before answering")
                .hasMessageContaining("SyntaxError");
        try (Stream<Path> left = Files.list(runtime)) {
            assertThat(left.map(path -> path.getFileName().toString())).containsExactly("sandbox-etc");
        }
    }

    @Test
    void closeStopsTheServerAndItsKernelsAndTheTokenIsNeverOnACommandLine() throws IOException {
        SandboxFixture fixture = new SandboxFixture(root.resolve("data"));
        Path runtime = root.resolve("runtime");
        JupyterServerProcess server = JupyterServerProcess.start(new BubblewrapSandboxFactory(runtime), fixture.spec,
                JupyterServerSettings.defaults(runtime));
        KernelInfo kernel = server.gateway().startKernel("python3");
        try (KernelSession session = server.gateway().connect(kernel.id())) {
            assertThat(session.execute("import os; os.getuid()", Duration.ofSeconds(60)).resultText()).contains("1000");
        }
        Path config = configFile(runtime);
        String token = new ObjectMapper().readTree(config.toFile()).path("ServerApp").path("token").asText();
        List<ProcessHandle> kernels = ProcessHandle.current().descendants()
                .filter(process -> commandLine(process).contains("ipykernel_launcher"))
                .toList();
        assertThat(token).hasSize(64);
        assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(kernels).isNotEmpty();
        assertThat(ProcessHandle.current().descendants().map(JupyterServerProcessIT::commandLine))
                .noneMatch(line -> line.contains(token));

        server.close();

        assertThat(server.isAlive()).isFalse();
        assertThat(kernels).noneMatch(ProcessHandle::isAlive);
        assertThatThrownBy(() -> server.gateway().kernels()).isInstanceOf(RetriableException.class);
        assertThat(config).doesNotExist();
        server.close();
    }

    private static Path configFile(Path runtime) throws IOException {
        try (Stream<Path> found = Files.find(runtime, 4, (path, attributes) ->
                path.getFileName().toString().equals("jupyter_server_config.json"))) {
            return found.findFirst().orElseThrow();
        }
    }

    private static String commandLine(ProcessHandle process) {
        return process.info().command().orElse("") + " "
                + String.join(" ", process.info().arguments().map(Arrays::asList).orElse(List.of()));
    }
}
