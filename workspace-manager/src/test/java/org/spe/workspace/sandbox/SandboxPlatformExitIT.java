package org.spe.workspace.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sandbox does not outlive the platform: a separate JVM starts one, then is stopped orderly
 * (SIGTERM: the shutdown hook stops the sandbox) or killed (SIGKILL: bwrap's parent-death signal).
 */
class SandboxPlatformExitIT {
    @TempDir
    Path root;

    @ParameterizedTest(name = "killed forcibly: {0}")
    @ValueSource(booleans = {false, true})
    void theSandboxDiesWithThePlatform(boolean forcibly) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process platform = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                SandboxHolderMain.class.getName(), root.toString())
                .redirectErrorStream(true)
                .start();
        List<ProcessHandle> sandboxTree = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(platform.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("PID ")) {
                // Log lines of the stand-in platform.
            }
            assertThat(line).as("the stand-in platform printed its sandbox's pid").isNotNull();
            ProcessHandle sandbox = ProcessHandle.of(Long.parseLong(line.substring(4).strip())).orElseThrow();
            sandboxTree.add(sandbox);
            sandbox.descendants().forEach(sandboxTree::add);
            assertThat(sandboxTree).hasSizeGreaterThanOrEqualTo(3).allMatch(ProcessHandle::isAlive);

            if (forcibly) {
                platform.destroyForcibly();
            } else {
                platform.destroy();
            }
            assertThat(platform.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            platform.destroyForcibly();
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sandboxTree.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(sandboxTree).noneMatch(ProcessHandle::isAlive);
    }
}
