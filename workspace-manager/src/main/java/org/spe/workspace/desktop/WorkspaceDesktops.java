package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.spe.workspace.sandbox.SandboxFactory;
import org.spe.workspace.sandbox.SandboxSpec;

/**
 * The running desktops, one per workspace, started on first use and shared by the sessions of
 * the workspace's researchers (each with their own session). Thread-safe; starting one desktop
 * does not block the others.
 */
public final class WorkspaceDesktops implements AutoCloseable {
    private final SandboxFactory sandboxes;
    private final DesktopSettings settings;
    private final Map<String, WorkspaceDesktop> running = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public WorkspaceDesktops(SandboxFactory sandboxes, DesktopSettings settings) {
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    public DesktopSettings settings() {
        return settings;
    }

    /**
     * The workspace's running desktop, started (blocking, up to the start timeout) at
     * {@code width}×{@code height} if there is none or it died. A desktop that runs keeps its size.
     */
    public WorkspaceDesktop desktop(SandboxSpec spec, int width, int height, boolean clipboard) {
        Object lock = locks.computeIfAbsent(spec.workspaceId(), id -> new Object());
        synchronized (lock) {
            WorkspaceDesktop current = running.get(spec.workspaceId());
            if (current != null && current.isAlive()) {
                return current;
            }
            if (current != null) {
                current.close();
            }
            WorkspaceDesktop started = WorkspaceDesktop.start(sandboxes, spec, settings, width, height, clipboard);
            running.put(spec.workspaceId(), started);
            return started;
        }
    }

    /** The running desktop of the workspace, if any. */
    public Optional<WorkspaceDesktop> running(String workspaceId) {
        return Optional.ofNullable(running.get(workspaceId)).filter(WorkspaceDesktop::isAlive);
    }

    /** Stops the workspace's desktop (its sessions' streams end). */
    public void stop(String workspaceId) {
        WorkspaceDesktop desktop = running.remove(workspaceId);
        if (desktop != null) {
            desktop.close();
        }
    }

    @Override
    public void close() {
        for (String id : List.copyOf(running.keySet())) {
            stop(id);
        }
    }
}
