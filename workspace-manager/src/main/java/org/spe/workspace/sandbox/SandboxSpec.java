package org.spe.workspace.sandbox;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What one workspace's sandbox may see. Everything not named here stays invisible inside: the data
 * lake, other workspaces, the platform's data directory, the host network.
 *
 * @param workspaceId the workspace's id (letters, digits, {@code -} and {@code _}); used for naming
 *     and logging only
 * @param homeDirectory host directory shown read-write at {@link SandboxLayout#HOME}
 * @param outputsDirectory host directory shown read-write at {@link SandboxLayout#OUTPUTS}
 * @param extractDirectory host directory of the permit's extract, shown read-only at
 *     {@link SandboxLayout#EXTRACT}
 * @param extraReadOnlyBinds further host paths shown read-only (software, generated configuration)
 * @param environment the whole environment of sandboxed processes besides {@code HOME},
 *     {@code USER}, {@code LOGNAME} and {@code PATH}, which the sandbox sets; never put secrets here,
 *     the host's process list may show them
 * @param controlDirectory host directory shared read-write with the platform at
 *     {@link SandboxLayout#CONTROL}, for control sockets
 */
public record SandboxSpec(
        String workspaceId,
        Path homeDirectory,
        Path outputsDirectory,
        Path extractDirectory,
        List<ReadOnlyBind> extraReadOnlyBinds,
        Map<String, String> environment,
        Path controlDirectory) {
    private static final Pattern WORKSPACE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern ENVIRONMENT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public SandboxSpec {
        requireNonNull(workspaceId, "workspaceId is null");
        if (!WORKSPACE_ID.matcher(workspaceId).matches()) {
            throw new IllegalArgumentException("workspaceId must be 1-64 of [A-Za-z0-9_-]: " + workspaceId);
        }
        homeDirectory = absolute(homeDirectory, "homeDirectory");
        outputsDirectory = absolute(outputsDirectory, "outputsDirectory");
        extractDirectory = absolute(extractDirectory, "extractDirectory");
        controlDirectory = absolute(controlDirectory, "controlDirectory");
        extraReadOnlyBinds = List.copyOf(requireNonNull(extraReadOnlyBinds, "extraReadOnlyBinds is null"));
        environment = Map.copyOf(requireNonNull(environment, "environment is null"));
        for (String name : environment.keySet()) {
            if (!ENVIRONMENT_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an environment variable name: " + name);
            }
        }
        List<Path> writable = List.of(homeDirectory, outputsDirectory, controlDirectory);
        for (Path path : writable) {
            if (path.startsWith(extractDirectory) || extractDirectory.startsWith(path)) {
                throw new IllegalArgumentException(
                        "writable directory " + path + " overlaps the read-only extract " + extractDirectory);
            }
        }
        for (int i = 0; i < writable.size(); i++) {
            for (int j = i + 1; j < writable.size(); j++) {
                Path a = writable.get(i);
                Path b = writable.get(j);
                if (a.startsWith(b) || b.startsWith(a)) {
                    throw new IllegalArgumentException("writable directories overlap: " + a + " and " + b);
                }
            }
        }
    }

    /** A spec with the given bind added to {@link #extraReadOnlyBinds()}. */
    public SandboxSpec withReadOnlyBind(ReadOnlyBind bind) {
        List<ReadOnlyBind> binds = new ArrayList<>(extraReadOnlyBinds);
        binds.add(requireNonNull(bind, "bind is null"));
        return new SandboxSpec(workspaceId, homeDirectory, outputsDirectory, extractDirectory, binds,
                environment, controlDirectory);
    }

    /** A spec with {@code variables} added to {@link #environment()}, replacing same-named ones. */
    public SandboxSpec withEnvironment(Map<String, String> variables) {
        Map<String, String> merged = new HashMap<>(environment);
        merged.putAll(requireNonNull(variables, "variables is null"));
        return new SandboxSpec(workspaceId, homeDirectory, outputsDirectory, extractDirectory, extraReadOnlyBinds,
                merged, controlDirectory);
    }

    private static Path absolute(Path path, String name) {
        requireNonNull(path, name + " is null");
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(name + " must be absolute: " + path);
        }
        return path.normalize();
    }
}
