package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;
import org.spe.workspace.sandbox.ReadOnlyBind;
import org.spe.workspace.sandbox.Sandbox;
import org.spe.workspace.sandbox.SandboxFactory;
import org.spe.workspace.sandbox.SandboxLayout;
import org.spe.workspace.sandbox.SandboxProcess;
import org.spe.workspace.sandbox.SandboxSpec;

/**
 * A workspace's jupyter-server, running inside the workspace's sandbox and listening only on a Unix
 * socket in the control directory ({@code /run/spe/jupyter.sock} inside). The platform reaches it
 * through a {@link UnixSocketForwarder} on {@code 127.0.0.1} and talks to it with an
 * {@link HttpKernelGateway}.
 *
 * <p>The server's configuration, including its random token, is written to a platform-owned
 * directory bound read-only into the sandbox, so the token never appears on a command line. The
 * only kernel spec, {@code python3}, runs the configured Python (Debian's {@code /usr/bin/python3}).
 *
 * <p>Thread-safe.
 */
public final class JupyterServerProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JupyterServerProcess.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Where the generated configuration appears inside the sandbox. */
    static final String CONFIG_MOUNT = "/opt/spe/jupyter";
    static final String SOCKET_NAME = "jupyter.sock";

    private final String workspaceId;
    private final SandboxProcess process;
    private final UnixSocketForwarder forwarder;
    private final HttpKernelGateway gateway;
    private final Path configDirectory;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JupyterServerProcess(String workspaceId, SandboxProcess process, UnixSocketForwarder forwarder,
            HttpKernelGateway gateway, Path configDirectory) {
        this.workspaceId = workspaceId;
        this.process = process;
        this.forwarder = forwarder;
        this.gateway = gateway;
        this.configDirectory = configDirectory;
    }

    /**
     * Starts jupyter-server in a sandbox made by {@code sandboxes} for {@code spec} and blocks until
     * its {@code /api} answers (polled with backoff).
     *
     * @throws RetriableException if the server exits or does not answer within the start timeout;
     *     the message includes the tail of its output
     * @throws SpeException if the sandbox cannot be started
     */
    public static JupyterServerProcess start(SandboxFactory sandboxes, SandboxSpec spec, JupyterServerSettings settings) {
        requireNonNull(sandboxes, "sandboxes is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(settings, "settings is null");
        String token = HexFormat.of().formatHex(randomBytes());
        Path configDirectory = writeConfiguration(spec.workspaceId(), settings, token);
        Path socket = spec.controlDirectory().resolve(SOCKET_NAME);
        SandboxProcess process = null;
        UnixSocketForwarder forwarder = null;
        try {
            Files.deleteIfExists(socket);
            SandboxSpec withConfig = spec.withReadOnlyBind(new ReadOnlyBind(configDirectory, CONFIG_MOUNT))
                    .withEnvironment(environment());
            Sandbox sandbox = sandboxes.create(withConfig);
            process = sandbox.start(command(settings));
            forwarder = UnixSocketForwarder.start(socket);
            HttpKernelGateway gateway = new HttpKernelGateway(URI.create("http://127.0.0.1:" + forwarder.port() + "/"),
                    token, settings.client());
            awaitReady(spec.workspaceId(), process, forwarder, token, settings);
            log.info("jupyter-server of workspace {} ready on 127.0.0.1:{}", spec.workspaceId(), forwarder.port());
            return new JupyterServerProcess(spec.workspaceId(), process, forwarder, gateway, configDirectory);
        } catch (IOException e) {
            cleanUp(process, forwarder, configDirectory);
            throw new UncheckedIOException("cannot prepare the control socket of workspace " + spec.workspaceId(), e);
        } catch (RuntimeException e) {
            cleanUp(process, forwarder, configDirectory);
            throw e;
        }
    }

    /** The client of this server's kernels. */
    public KernelGateway gateway() {
        return gateway;
    }

    /** The loopback forwarder to the server's socket. */
    public UnixSocketForwarder forwarder() {
        return forwarder;
    }

    /** Whether the server process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The tail of the server's (and its kernels') output, for diagnosis; may contain researchers' output. */
    public String outputTail() {
        return process.outputTail();
    }

    /**
     * Stops the server (SIGTERM: it shuts its kernels down), kills what is left after a grace, closes
     * the forwarder and deletes the generated configuration. Blocks; idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        gateway.close();
        cleanUp(process, forwarder, configDirectory);
        log.info("jupyter-server of workspace {} stopped", workspaceId);
    }

    private static List<String> command(JupyterServerSettings settings) {
        return List.of(settings.python().toString(), "-Xfrozen_modules=off", settings.jupyterServer().toString(),
                "--sock=" + SandboxLayout.CONTROL + "/" + SOCKET_NAME,
                "--ServerApp.sock_mode=0600",
                "--no-browser",
                "--allow-root",
                "--ServerApp.root_dir=" + SandboxLayout.HOME);
    }

    /** The server and kernel configuration; visible for tests. */
    static Path writeConfiguration(String workspaceId, JupyterServerSettings settings, String token) {
        try {
            Files.createDirectories(settings.runtimeDirectory());
            Path directory = Files.createTempDirectory(settings.runtimeDirectory(), "jupyter-" + workspaceId + "-");
            Path config = Files.createDirectories(directory.resolve("config"));
            ObjectNode root = JSON.createObjectNode();
            ObjectNode server = root.putObject("ServerApp");
            server.put("token", token);
            server.put("open_browser", false);
            server.put("allow_remote_access", false);
            server.put("ip", "127.0.0.1");
            // The client caps output per execution itself (KernelClientConfig); the server's rate
            // limit would silently replace a flood with a warning instead.
            server.put("iopub_data_rate_limit", 0);
            ObjectNode kernelSpecs = root.putObject("KernelSpecManager");
            kernelSpecs.put("ensure_native_kernel", false);
            kernelSpecs.putArray("allowed_kernelspecs").add("python3");
            // jupyter_core migrates an old ~/.ipython into the config folder unless this marker is
            // there; the home keeps ~/.ipython from the first kernel, and the folder is read-only in
            // the sandbox, so a resumed workspace's server would fail writing the marker.
            Files.writeString(config.resolve("migrated"), "");
            Path configFile = config.resolve("jupyter_server_config.json");
            Files.writeString(configFile, root.toPrettyString());
            Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-------"));

            Path kernel = Files.createDirectories(directory.resolve("data/kernels/python3"));
            ObjectNode spec = JSON.createObjectNode();
            spec.putArray("argv").add(settings.python().toString()).add("-Xfrozen_modules=off").add("-m")
                    .add("ipykernel_launcher").add("-f").add("{connection_file}");
            spec.put("display_name", "Python 3 (workspace)");
            spec.put("language", "python");
            spec.put("interrupt_mode", "signal");
            spec.putObject("env").put("PYDEVD_DISABLE_FILE_VALIDATION", "1");
            spec.putObject("metadata").put("debugger", false);
            Files.writeString(kernel.resolve("kernel.json"), spec.toPrettyString());
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the jupyter-server configuration of workspace " + workspaceId, e);
        }
    }

    /** Environment of the server inside the sandbox, merged over the spec's own. */
    static Map<String, String> environment() {
        return Map.of(
                "JUPYTER_CONFIG_DIR", CONFIG_MOUNT + "/config",
                "JUPYTER_PATH", CONFIG_MOUNT + "/data",
                "JUPYTER_DATA_DIR", SandboxLayout.HOME + "/.local/share/jupyter",
                "JUPYTER_RUNTIME_DIR", "/tmp/jupyter-runtime",
                "IPYTHONDIR", SandboxLayout.HOME + "/.ipython",
                "MPLCONFIGDIR", "/tmp/matplotlib",
                "PYDEVD_DISABLE_FILE_VALIDATION", "1");
    }

    private static void awaitReady(String workspaceId, SandboxProcess process, UnixSocketForwarder forwarder,
            String token, JupyterServerSettings settings) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forwarder.port() + "/api"))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "token " + token)
                .GET().build();
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        long backoffMillis = 25;
        String lastProblem = "no answer yet";
        while (true) {
            if (!process.isAlive()) {
                throw new RetriableException("jupyter-server of workspace " + workspaceId + " exited with code "
                        + process.exitCode().map(String::valueOf).orElse("?") + " before answering; its output ends:\n"
                        + process.outputTail());
            }
            try {
                HttpResponse<String> response = http.send(probe, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastProblem = "HTTP " + response.statusCode();
            } catch (IOException e) {
                lastProblem = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpeException(ErrorCategory.INTERNAL, "interrupted while starting jupyter-server of workspace "
                        + workspaceId, e);
            }
            if (System.nanoTime() > deadline) {
                throw new RetriableException("jupyter-server of workspace " + workspaceId + " did not answer /api within "
                        + settings.startTimeout().toSeconds() + " s (last: " + lastProblem + "); its output ends:\n"
                        + process.outputTail());
            }
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpeException(ErrorCategory.INTERNAL, "interrupted while starting jupyter-server of workspace "
                        + workspaceId, e);
            }
            backoffMillis = Math.min(backoffMillis * 2, 500);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void cleanUp(SandboxProcess process, UnixSocketForwarder forwarder, Path configDirectory) {
        if (forwarder != null) {
            forwarder.close();
        }
        if (process != null) {
            process.stop(Duration.ofSeconds(3));
        }
        try (Stream<Path> paths = Files.walk(configDirectory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("cannot delete {}", configDirectory, e);
        }
    }
}
