package org.spe.workspace.sandbox;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The handle of a process tree started by {@link BubblewrapSandbox}. Thread-safe. */
final class BubblewrapProcess implements SandboxProcess {
    private static final Logger log = LoggerFactory.getLogger(BubblewrapProcess.class);
    private static final int TAIL_BYTES = 16 * 1024;
    private static final Set<BubblewrapProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (BubblewrapProcess process : List.copyOf(LIVE)) {
                process.stop(Duration.ofMillis(500));
            }
        }, "spe-sandbox-shutdown"));
    }

    private final Process process;
    private final String workspaceId;
    private final OutputTail tail = new OutputTail(TAIL_BYTES);
    private final CompletableFuture<Integer> exit;

    BubblewrapProcess(Process process, String workspaceId) {
        this.process = requireNonNull(process, "process is null");
        this.workspaceId = requireNonNull(workspaceId, "workspaceId is null");
        Thread pump = new Thread(() -> tail.drain(process.getInputStream()), "spe-sandbox-output-" + process.pid());
        pump.setDaemon(true);
        pump.start();
        LIVE.add(this);
        this.exit = process.onExit().thenApply(Process::exitValue);
        exit.whenComplete((code, failure) -> LIVE.remove(this));
    }

    @Override
    public long pid() {
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return exit.copy();
    }

    @Override
    public String outputTail() {
        return tail.text();
    }

    @Override
    public void stop(Duration grace) {
        requireNonNull(grace, "grace is null");
        if (!process.isAlive()) {
            return;
        }
        // The sandboxed programs first, so they can shut down cleanly (jupyter-server stops its
        // kernels); bwrap exits when they do. Whatever is left is killed, bwrap last: with a PID
        // namespace, its init dying takes every remaining process of the sandbox with it.
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        waitFor(grace);
        List<ProcessHandle> remaining = Stream.concat(process.descendants(), descendants.stream())
                .filter(ProcessHandle::isAlive)
                .toList();
        remaining.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(5));
        // Killed processes linger until reaped by their (possibly dying) parents; wait for that, so
        // that "stopped" means gone.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (remaining.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (process.isAlive() || remaining.stream().anyMatch(ProcessHandle::isAlive)) {
            log.warn("sandbox pid {} of workspace {} did not exit after SIGKILL", process.pid(), workspaceId);
        } else {
            log.info("stopped sandbox pid {} of workspace {}", process.pid(), workspaceId);
        }
    }

    private void waitFor(Duration duration) {
        try {
            process.waitFor(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
