package org.spe.workspace.sandbox;

import java.nio.file.Path;
import java.util.List;

/** Checks on paths inside a sandbox, shared by the records of this package. */
final class SandboxPaths {
    /** Inside-paths that the sandbox itself owns; an extra bind may not shadow or nest in them. */
    private static final List<String> RESERVED = List.of(
            "/", "/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc", "/proc", "/dev", "/tmp",
            SandboxLayout.HOME, SandboxLayout.OUTPUTS, SandboxLayout.EXTRACT, SandboxLayout.CONTROL);

    private SandboxPaths() {}

    static void checkSandboxPath(String sandboxPath) {
        Path path = Path.of(sandboxPath);
        if (!path.isAbsolute() || !path.normalize().toString().equals(sandboxPath)) {
            throw new IllegalArgumentException("sandbox path must be absolute and normalised: " + sandboxPath);
        }
        for (String reserved : RESERVED) {
            if (sandboxPath.equals(reserved)
                    || (!reserved.equals("/") && sandboxPath.startsWith(reserved + "/"))) {
                throw new IllegalArgumentException(
                        "sandbox path " + sandboxPath + " would shadow or nest in " + reserved);
            }
        }
    }
}
