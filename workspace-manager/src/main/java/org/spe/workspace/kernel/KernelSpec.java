package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

/**
 * A kind of kernel the gateway can start.
 *
 * @param name the name to start it by, e.g. {@code python3}
 * @param displayName the name shown to people
 * @param language its programming language, e.g. {@code python}
 */
public record KernelSpec(String name, String displayName, String language) {
    public KernelSpec {
        requireNonNull(name, "name is null");
        requireNonNull(displayName, "displayName is null");
        requireNonNull(language, "language is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("name is empty");
        }
    }
}
