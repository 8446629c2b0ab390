package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The result of {@link PackageVerifier#verify}.
 *
 * @param entries the entries the signed manifest lists and that matched, in manifest order
 * @param problems what is wrong, one line each; empty when the package is intact
 */
public record PackageVerification(List<String> entries, List<String> problems) {
    public PackageVerification {
        entries = List.copyOf(requireNonNull(entries, "entries is null"));
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
    }

    /** Whether the signature is good and every entry matches the manifest, with nothing extra. */
    public boolean valid() {
        return problems.isEmpty();
    }
}
