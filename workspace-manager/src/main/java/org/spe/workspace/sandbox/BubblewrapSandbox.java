package org.spe.workspace.sandbox;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * A sandbox made with bubblewrap ({@code bwrap}): new user, mount, PID, IPC, UTS, cgroup and network
 * namespaces ({@code --unshare-all}, so the only network is the sandbox's own loopback), no
 * capabilities, an unprivileged uid, a read-only {@code /usr} and the few {@code /etc} files Python
 * needs, fresh {@code /tmp}, {@code /proc} and {@code /dev}, the workspace's home and outputs
 * read-write, its extract read-only, the control directory read-write, and nothing else of the host.
 *
 * <p>The sandbox dies with the platform: {@code --die-with-parent} kills it when the JVM dies (even
 * by SIGKILL), and a shutdown hook stops it on an orderly exit. Because the kernel's parent-death
 * signal follows the <em>thread</em> that spawned a process, every sandbox is spawned from one
 * long-lived launcher thread, never from a caller's (possibly short-lived) thread.
 *
 * <p>Thread-safe.
 */
public final class BubblewrapSandbox implements Sandbox {
    private static final Logger log = LoggerFactory.getLogger(BubblewrapSandbox.class);

    /** Host {@code /etc} entries Python, IPython and matplotlib read; bound read-only if present. */
    private static final List<String> HOST_ETC = List.of(
            "/etc/alternatives", "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
            "/etc/localtime", "/etc/mime.types", "/etc/matplotlibrc", "/etc/fonts", "/etc/ssl/certs");

    /** The one thread that spawns sandboxes; see the class comment for why. */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "spe-sandbox-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private final Path bwrap;
    private final Path syntheticEtc;
    private final SandboxSpec spec;

    BubblewrapSandbox(Path bwrap, Path syntheticEtc, SandboxSpec spec) {
        this.bwrap = requireNonNull(bwrap, "bwrap is null");
        this.syntheticEtc = requireNonNull(syntheticEtc, "syntheticEtc is null");
        this.spec = requireNonNull(spec, "spec is null");
    }

    @Override
    public SandboxSpec spec() {
        return spec;
    }

    @Override
    public SandboxProcess start(List<String> command) {
        List<String> arguments = arguments(command);
        for (Path directory : List.of(spec.homeDirectory(), spec.outputsDirectory(), spec.extractDirectory(),
                spec.controlDirectory())) {
            if (!Files.isDirectory(directory)) {
                throw SpeException.invalid("sandbox directory of workspace %s does not exist: %s",
                        spec.workspaceId(), directory);
            }
        }
        for (ReadOnlyBind bind : spec.extraReadOnlyBinds()) {
            if (!Files.exists(bind.hostPath())) {
                throw SpeException.invalid("read-only bind of workspace %s does not exist: %s",
                        spec.workspaceId(), bind.hostPath());
            }
        }
        ProcessBuilder builder = new ProcessBuilder(arguments).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // bwrap starts from an empty environment (--clearenv); nothing of the JVM's leaks in.
        builder.environment().clear();
        Future<Process> spawned = LAUNCHER.submit(builder::start);
        Process process;
        try {
            process = spawned.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeException(ErrorCategory.INTERNAL, "interrupted while starting the sandbox", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new SpeException(ErrorCategory.INTERNAL,
                    "cannot start bubblewrap for workspace " + spec.workspaceId(), cause);
        }
        log.info("started sandbox pid {} for workspace {}: {}", process.pid(), spec.workspaceId(), command.get(0));
        return new BubblewrapProcess(process, spec.workspaceId());
    }

    /** The full {@code bwrap} command line for {@code command}. Visible for tests. */
    List<String> arguments(List<String> command) {
        requireNonNull(command, "command is null");
        if (command.isEmpty() || !command.get(0).startsWith("/")) {
            throw new IllegalArgumentException("command must start with an absolute program path: " + command);
        }
        List<String> args = new ArrayList<>();
        args.add(bwrap.toString());
        args.addAll(List.of("--unshare-all", "--unshare-user",
                "--uid", String.valueOf(SandboxLayout.UID), "--gid", String.valueOf(SandboxLayout.GID),
                "--hostname", "spe-workspace",
                "--die-with-parent", "--new-session", "--cap-drop", "ALL"));
        // A minimal read-only system: /usr (Debian's merged /usr holds /bin and /lib) and named /etc files.
        args.addAll(List.of("--ro-bind", "/usr", "/usr",
                "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64"));
        for (String etc : HOST_ETC) {
            args.addAll(List.of("--ro-bind-try", etc, etc));
        }
        args.addAll(List.of("--ro-bind-try", "/etc/python3", "/etc/python3"));
        for (String python : pythonEtcDirectories()) {
            args.addAll(List.of("--ro-bind", python, python));
        }
        for (String name : List.of("passwd", "group", "hosts")) {
            args.addAll(List.of("--ro-bind", syntheticEtc.resolve(name).toString(), "/etc/" + name));
        }
        args.addAll(List.of("--tmpfs", "/tmp", "--proc", "/proc", "--dev", "/dev"));
        args.addAll(List.of(
                "--bind", spec.homeDirectory().toString(), SandboxLayout.HOME,
                "--bind", spec.outputsDirectory().toString(), SandboxLayout.OUTPUTS,
                "--ro-bind", spec.extractDirectory().toString(), SandboxLayout.EXTRACT,
                "--bind", spec.controlDirectory().toString(), SandboxLayout.CONTROL));
        for (ReadOnlyBind bind : spec.extraReadOnlyBinds()) {
            args.addAll(List.of("--ro-bind", bind.hostPath().toString(), bind.sandboxPath()));
        }
        args.addAll(List.of("--chdir", SandboxLayout.HOME, "--clearenv"));
        Map<String, String> environment = new TreeMap<>(spec.environment());
        environment.put("HOME", SandboxLayout.HOME);
        environment.put("USER", SandboxLayout.USER);
        environment.put("LOGNAME", SandboxLayout.USER);
        environment.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        environment.putIfAbsent("LANG", "C.UTF-8");
        environment.forEach((name, value) -> args.addAll(List.of("--setenv", name, value)));
        args.add("--");
        args.addAll(command);
        return List.copyOf(args);
    }

    private static List<String> pythonEtcDirectories() {
        List<String> found = new ArrayList<>();
        try (var entries = Files.list(Path.of("/etc"))) {
            entries.map(Path::toString)
                    .filter(name -> name.matches("/etc/python3\\.[0-9]+"))
                    .sorted()
                    .forEach(found::add);
        } catch (IOException e) {
            // No /etc/python3.x: Python will do without its site configuration.
        }
        return found;
    }
}
