package org.spe.workspace.lifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.spe.core.SpeException;
import org.spe.core.permit.Permit;

/** A hand-written environment double: remembers which workspaces are prepared and running. Thread-safe. */
final class InMemoryWorkspaceEnvironment implements WorkspaceEnvironment {
    final Set<String> prepared = new HashSet<>();
    final Set<String> running = new HashSet<>();
    final List<String> wiped = new ArrayList<>();
    volatile boolean failPrepare;
    /** Runs at the start of {@link #start}, before the workspace counts as running (a race to provoke). */
    volatile Runnable duringStart;

    @Override
    public synchronized void prepare(Workspace workspace, Permit permit) {
        if (failPrepare) {
            throw SpeException.invalid("dataset ndb_claims: column points is missing from the lake");
        }
        prepared.add(workspace.id());
    }

    @Override
    public synchronized void start(Workspace workspace, Permit permit) {
        Runnable hook = duringStart;
        if (hook != null) {
            hook.run();
        }
        running.add(workspace.id());
    }

    @Override
    public synchronized void stop(Workspace workspace) {
        running.remove(workspace.id());
    }

    @Override
    public synchronized boolean running(Workspace workspace) {
        return running.contains(workspace.id());
    }

    @Override
    public synchronized DeletionCertificate wipe(Workspace workspace) {
        prepared.remove(workspace.id());
        wiped.add(workspace.id());
        return new DeletionCertificate(workspace.id(), workspace.permitId(), Instant.now(),
                List.of(new DeletionCertificate.WipedFile("outputs/table.csv", 12, "ab".repeat(32))), 12);
    }
}
