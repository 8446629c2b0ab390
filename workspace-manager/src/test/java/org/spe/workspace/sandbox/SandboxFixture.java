package org.spe.workspace.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A workspace's directories laid out under a temporary root the way the platform's data directory
 * is: a raw lake beside two workspaces, each with home, outputs, extract and control directories.
 * Used by the integration tests of the sandbox and of the kernel client.
 */
public final class SandboxFixture {
    public static final String LAKE_SECRET = "raw lake row: patient 4711";
    public static final String OTHER_HOME_SECRET = "other workspace's notes";

    public final Path root;
    public final Path lakeFile;
    public final Path otherHomeFile;
    public final SandboxSpec spec;

    public SandboxFixture(Path root) throws IOException {
        this.root = root;
        Path lake = Files.createDirectories(root.resolve("lake/ndb"));
        lakeFile = Files.writeString(lake.resolve("claims.csv"), LAKE_SECRET + "\n");
        Path other = Files.createDirectories(root.resolve("workspaces/ws-other/home"));
        otherHomeFile = Files.writeString(other.resolve("notes.txt"), OTHER_HOME_SECRET + "\n");
        Path workspace = root.resolve("workspaces/ws-1");
        Path home = Files.createDirectories(workspace.resolve("home"));
        Path outputs = Files.createDirectories(workspace.resolve("outputs"));
        Path extract = Files.createDirectories(workspace.resolve("extract"));
        Path control = Files.createDirectories(workspace.resolve("control"));
        Files.writeString(extract.resolve("cohort.csv"), "age_band,count\n40-49,12\n");
        spec = new SandboxSpec("ws-1", home, outputs, extract, List.of(), Map.of("SPE_WORKSPACE", "ws-1"), control);
    }

    /** Runs {@code /usr/bin/python3 -c code} in the sandbox and waits for it; returns exit code and output. */
    public static Result runPython(Sandbox sandbox, String code) {
        SandboxProcess process = sandbox.start(List.of("/usr/bin/python3", "-c", code));
        try {
            int exitCode = process.onExit().get(60, TimeUnit.SECONDS);
            // The output pump may trail the exit by a moment.
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (!process.outputTail().contains("END") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            return new Result(exitCode, process.outputTail());
        } catch (Exception e) {
            process.stop(Duration.ZERO);
            throw new AssertionError("python in the sandbox did not finish: " + process.outputTail(), e);
        }
    }

    /** What a sandboxed Python run printed. */
    public record Result(int exitCode, String output) {
        public Result assertSucceeded() {
            assertThat(exitCode).as("exit code; output:%n%s", output).isZero();
            return this;
        }
    }
}
