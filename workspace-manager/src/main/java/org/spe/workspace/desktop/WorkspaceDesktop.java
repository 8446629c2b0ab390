package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
import org.spe.workspace.sandbox.SandboxFactory;
import org.spe.workspace.sandbox.SandboxLayout;
import org.spe.workspace.sandbox.SandboxProcess;
import org.spe.workspace.sandbox.SandboxSpec;

/**
 * A workspace's remote desktop: an X server that is also the VNC server (TigerVNC's {@code Xvnc}),
 * a window manager (twm) and a terminal (xterm, with Python and the {@code spe} helper on hand),
 * all inside the workspace's sandbox, so the desktop sees the workspace's home, {@code outputs/}
 * and read-only extract and no network. The VNC side listens only on a Unix socket in the
 * control directory ({@code /run/spe/desktop.sock} inside, mode 600) and on no TCP port; the X
 * side listens on nothing but its own socket inside the sandbox's private {@code /tmp}. Xvnc
 * resizes its screen when the gateway asks (RFB SetDesktopSize), which Debian's Xvfb cannot.
 * Without clipboard the VNC server neither accepts nor sends cut text, so a clipboard filter in
 * the gateway is not the only fence.
 *
 * <p>Thread-safe.
 */
public final class WorkspaceDesktop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkspaceDesktop.class);
    static final String CONFIG_MOUNT = "/opt/spe/desktop";
    static final String SOCKET_NAME = "desktop.sock";

    private final String workspaceId;
    private final SandboxProcess process;
    private final Path socket;
    private final Path configDirectory;
    private final int width;
    private final int height;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WorkspaceDesktop(String workspaceId, SandboxProcess process, Path socket, Path configDirectory, int width, int height) {
        this.workspaceId = workspaceId;
        this.process = process;
        this.socket = socket;
        this.configDirectory = configDirectory;
        this.width = width;
        this.height = height;
    }

    /**
     * Starts the desktop in a sandbox made by {@code sandboxes} for {@code spec}, at
     * {@code width}×{@code height}, and blocks until its VNC server answers with the RFB banner.
     *
     * @param clipboard whether the VNC server may exchange the clipboard at all
     * @throws IllegalArgumentException if the size is outside {@link DesktopSettings#checkSize}
     * @throws RetriableException if the desktop exits or does not answer within the start timeout
     */
    public static WorkspaceDesktop start(SandboxFactory sandboxes, SandboxSpec spec, DesktopSettings settings, int width, int height,
            boolean clipboard) {
        return start(sandboxes, spec, settings, width, height, clipboard, List.of());
    }

    /**
     * As {@link #start(SandboxFactory, SandboxSpec, DesktopSettings, int, int, boolean)}, and also
     * starts {@code clients} (shell command lines, run in the sandbox on the desktop's display
     * after the terminal; their output goes to {@code desktop-client-N.log} in the control directory). The benchmark's moving
     * window is one.
     */
    public static WorkspaceDesktop start(SandboxFactory sandboxes, SandboxSpec spec, DesktopSettings settings, int width, int height,
            boolean clipboard, List<String> clients) {
        requireNonNull(sandboxes, "sandboxes is null");
        requireNonNull(clients, "clients is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(settings, "settings is null");
        DesktopSettings.checkSize(width, height);
        Path configDirectory = writeConfiguration(spec.workspaceId(), settings, width, height, clipboard, clients);
        Path socket = spec.controlDirectory().resolve(SOCKET_NAME);
        SandboxProcess process = null;
        try {
            Files.deleteIfExists(socket);
            SandboxSpec withConfig = spec.withReadOnlyBind(new ReadOnlyBind(configDirectory, CONFIG_MOUNT))
                    .withEnvironment(Map.of("PS1", "$ ", "TERM", "xterm"));
            process = sandboxes.create(withConfig).start(List.of("/bin/sh", CONFIG_MOUNT + "/start.sh"));
            awaitReady(spec.workspaceId(), process, socket, settings);
            log.info("desktop of workspace {} ready ({}x{})", spec.workspaceId(), width, height);
            return new WorkspaceDesktop(spec.workspaceId(), process, socket, configDirectory, width, height);
        } catch (IOException e) {
            cleanUp(process, configDirectory);
            throw new UncheckedIOException("cannot prepare the desktop socket of workspace " + spec.workspaceId(), e);
        } catch (RuntimeException e) {
            cleanUp(process, configDirectory);
            throw e;
        }
    }

    /** The host path of the VNC server's Unix socket. */
    public Path vncSocket() {
        return socket;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Whether the desktop's processes still run. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** The tail of the desktop's output, for diagnosis. */
    public String outputTail() {
        return process.outputTail();
    }

    /** Stops every process of the desktop (open sessions end) and deletes its configuration. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            cleanUp(process, configDirectory);
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                log.debug("cannot delete the desktop socket of workspace {}: {}", workspaceId, e.getMessage());
            }
            log.info("desktop of workspace {} stopped", workspaceId);
        }
    }

    /** The start script and window-manager configuration; visible for tests. */
    static Path writeConfiguration(String workspaceId, DesktopSettings settings, int width, int height, boolean clipboard, List<String> clients) {
        try {
            Files.createDirectories(settings.runtimeDirectory());
            Path directory = Files.createTempDirectory(settings.runtimeDirectory(), "desktop-" + workspaceId + "-");
            String clipboardParameters = clipboard ? "" : " -AcceptCutText=0 -SendCutText=0 -SendPrimary=0 -SetPrimary=0";
            StringBuilder clientLines = new StringBuilder();
            for (int i = 0; i < clients.size(); i++) {
                clientLines.append(clients.get(i)).append(" > ").append(SandboxLayout.CONTROL).append("/desktop-client-").append(i).append(".log 2>&1 &\n");
            }
            String script = String.join("\n",
                    "#!/bin/sh",
                    "# The workspace desktop: Xvnc (X display and VNC server in one), window manager, terminal.",
                    // the Unix socket's mode is Xvnc's default, 600; -rfbport -1: no TCP port at all
                    "Xvnc :0 -geometry " + width + "x" + height + " -depth 24 -dpi 96 -desktop workspace -nolisten tcp -noreset -wr"
                            + " -rfbport -1 -rfbunixpath " + SandboxLayout.CONTROL + "/" + SOCKET_NAME
                            + " -SecurityTypes None -AlwaysShared" + clipboardParameters
                            + " > /tmp/xvnc.log 2>&1 &",
                    "server=$!",
                    "i=0",
                    "while [ ! -e /tmp/.X11-unix/X0 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done",
                    "export DISPLAY=:0",
                    "twm -f " + CONFIG_MOUNT + "/twmrc > /tmp/twm.log 2>&1 &",
                    // allowWindowOps lets a program in the terminal move its own window (the benchmark's moving window)
                    "xterm -geometry 80x24+20+20 -fn fixed -bg white -fg black -title terminal -xrm 'XTerm*allowWindowOps: true'"
                            + " -e /bin/bash --norc --noprofile > /tmp/xterm.log 2>&1 &",
                    clientLines + "wait $server",
                    "echo \"Xvnc exited with code $?\"; tail -n 20 /tmp/xvnc.log",
                    "");
            Files.writeString(directory.resolve("start.sh"), script);
            Files.writeString(directory.resolve("twmrc"), String.join("\n",
                    "RandomPlacement", "NoGrabServer", "NoTitle", "BorderWidth 0", ""));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the desktop configuration of workspace " + workspaceId, e);
        }
    }

    private static void awaitReady(String workspaceId, SandboxProcess process, Path socket, DesktopSettings settings) {
        long deadline = System.nanoTime() + settings.startTimeout().toNanos();
        String lastProblem = "no socket yet";
        while (true) {
            if (!process.isAlive()) {
                throw new RetriableException("the desktop of workspace " + workspaceId + " exited with code "
                        + process.exitCode().map(String::valueOf).orElse("?") + " before its VNC server answered; its output ends:\n"
                        + process.outputTail());
            }
            if (Files.exists(socket)) {
                try (RfbClient probe = RfbClient.connect(socket)) {
                    return;
                } catch (IOException e) {
                    lastProblem = e.getMessage();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new RetriableException("the desktop of workspace " + workspaceId + " did not answer within "
                        + settings.startTimeout().toSeconds() + " s (last: " + lastProblem + "); its output ends:\n" + process.outputTail());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpeException(ErrorCategory.INTERNAL, "interrupted while starting the desktop of workspace " + workspaceId, e);
            }
        }
    }

    private static void cleanUp(SandboxProcess process, Path configDirectory) {
        if (process != null) {
            process.stop(java.time.Duration.ofSeconds(1));
        }
        if (configDirectory != null) {
            try (Stream<Path> walk = Files.walk(configDirectory)) {
                for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException e) {
                log.debug("cannot delete desktop configuration {}: {}", configDirectory, e.getMessage());
            }
        }
    }
}
