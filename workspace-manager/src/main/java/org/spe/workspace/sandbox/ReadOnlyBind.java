package org.spe.workspace.sandbox;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * A host path made visible read-only at {@code sandboxPath} inside a sandbox.
 *
 * @param hostPath an absolute path on the host; it must exist when the sandbox starts
 * @param sandboxPath an absolute, normalised path inside the sandbox, not one of the
 *     {@link SandboxLayout} directories nor a system directory
 */
public record ReadOnlyBind(Path hostPath, String sandboxPath) {
    public ReadOnlyBind {
        requireNonNull(hostPath, "hostPath is null");
        requireNonNull(sandboxPath, "sandboxPath is null");
        if (!hostPath.isAbsolute()) {
            throw new IllegalArgumentException("hostPath must be absolute: " + hostPath);
        }
        hostPath = hostPath.normalize();
        SandboxPaths.checkSandboxPath(sandboxPath);
    }
}
