package org.spe.workspace.helper;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.spe.workspace.sandbox.ReadOnlyBind;
import org.spe.workspace.sandbox.SandboxSpec;

/**
 * The Python module {@code spe} that researchers import inside a workspace ({@code spe.sql},
 * {@code spe.save}, {@code spe.table}); shipped as the resource {@code org/spe/workspace/helper/spe.py}.
 *
 * <p>Wiring: {@link #install} once into a platform-owned directory, then {@link #wire} the sandbox
 * spec, which binds that directory read-only at {@link #SANDBOX_DIRECTORY} and puts it on
 * {@code PYTHONPATH}. Stateless; thread-safe.
 */
public final class PythonHelper {
    /** Where the helper directory appears inside the sandbox. */
    public static final String SANDBOX_DIRECTORY = "/opt/spe/python";
    /** The module's file name. */
    public static final String MODULE_FILE = "spe.py";

    private PythonHelper() {}

    /**
     * Writes {@code spe.py} (mode 0644) into {@code directory}, creating it, replacing an older copy
     * atomically. Blocking (file I/O).
     *
     * @return the written file
     */
    public static Path install(Path directory) {
        requireNonNull(directory, "directory is null");
        try (InputStream in = PythonHelper.class.getResourceAsStream(MODULE_FILE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + MODULE_FILE + " is missing from the build");
            }
            Files.createDirectories(directory);
            Path target = directory.resolve(MODULE_FILE);
            Path temporary = Files.createTempFile(directory, ".spe", ".py");
            Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the Python helper into " + directory, e);
        }
    }

    /**
     * {@code spec} with the installed helper directory bound read-only at {@link #SANDBOX_DIRECTORY}
     * and the environment {@code PYTHONPATH=/opt/spe/python},
     * {@code SPE_SOCKET=/run/spe/spe.sock}, {@code SPE_OUTPUTS=/outputs}.
     *
     * @param installedDirectory the directory passed to {@link #install}
     */
    public static SandboxSpec wire(SandboxSpec spec, Path installedDirectory) {
        requireNonNull(spec, "spec is null");
        requireNonNull(installedDirectory, "installedDirectory is null");
        return spec.withReadOnlyBind(new ReadOnlyBind(installedDirectory.toAbsolutePath(), SANDBOX_DIRECTORY))
                .withEnvironment(environment());
    }

    /** The variables {@link #wire} adds. */
    public static Map<String, String> environment() {
        return Map.of("PYTHONPATH", SANDBOX_DIRECTORY,
                "SPE_SOCKET", ControlSocketServer.SANDBOX_SOCKET,
                "SPE_OUTPUTS", org.spe.workspace.sandbox.SandboxLayout.OUTPUTS);
    }
}
