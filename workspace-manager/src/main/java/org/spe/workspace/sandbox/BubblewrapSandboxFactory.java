package org.spe.workspace.sandbox;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * Makes {@link BubblewrapSandbox}es. Checks at construction that bubblewrap is installed, and
 * writes once the few synthetic {@code /etc} files every sandbox shares ({@code passwd},
 * {@code group}, {@code hosts}) so no host account or host name is visible inside. Thread-safe.
 */
public final class BubblewrapSandboxFactory implements SandboxFactory {
    /** Where Debian's {@code bubblewrap} package installs the tool. */
    public static final Path DEFAULT_BWRAP = Path.of("/usr/bin/bwrap");

    private final Path bwrap;
    private final Path syntheticEtc;

    /**
     * @param bwrap the {@code bwrap} executable
     * @param runtimeDirectory a platform-owned directory for the generated files; created if absent
     * @throws SpeException ({@link ErrorCategory#INTERNAL}) if bwrap is not an executable file
     */
    public BubblewrapSandboxFactory(Path bwrap, Path runtimeDirectory) {
        this.bwrap = requireNonNull(bwrap, "bwrap is null");
        requireNonNull(runtimeDirectory, "runtimeDirectory is null");
        if (!Files.isExecutable(bwrap)) {
            throw new SpeException(ErrorCategory.INTERNAL,
                    "bubblewrap is not installed at " + bwrap + " (Debian: apt-get install bubblewrap)");
        }
        this.syntheticEtc = runtimeDirectory.resolve("sandbox-etc");
        try {
            Files.createDirectories(syntheticEtc);
            Files.writeString(syntheticEtc.resolve("passwd"),
                    "root:x:0:0:root:/nonexistent:/usr/sbin/nologin\n"
                            + SandboxLayout.USER + ":x:" + SandboxLayout.UID + ":" + SandboxLayout.GID
                            + ":SPE researcher:" + SandboxLayout.HOME + ":/bin/sh\n");
            Files.writeString(syntheticEtc.resolve("group"),
                    "root:x:0:\n" + SandboxLayout.USER + ":x:" + SandboxLayout.GID + ":\n");
            Files.writeString(syntheticEtc.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sandbox's /etc files under " + syntheticEtc, e);
        }
    }

    /** A factory using {@link #DEFAULT_BWRAP}. */
    public BubblewrapSandboxFactory(Path runtimeDirectory) {
        this(DEFAULT_BWRAP, runtimeDirectory);
    }

    @Override
    public Sandbox create(SandboxSpec spec) {
        return new BubblewrapSandbox(bwrap, syntheticEtc, spec);
    }
}
