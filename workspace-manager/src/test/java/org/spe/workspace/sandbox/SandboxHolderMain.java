package org.spe.workspace.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * A stand-in for the platform process in {@link SandboxPlatformExitIT}: starts a sandbox whose
 * program starts a child, prints the sandbox's pid and waits to be killed.
 */
public final class SandboxHolderMain {
    private SandboxHolderMain() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        SandboxFixture fixture = new SandboxFixture(root.resolve("data"));
        Sandbox sandbox = new BubblewrapSandboxFactory(root.resolve("runtime")).create(fixture.spec);
        SandboxProcess process = sandbox.start(List.of("/usr/bin/python3", "-c", """
                import subprocess, time
                subprocess.Popen(['/usr/bin/sleep', '300'])
                print('STARTED', flush=True)
                time.sleep(300)
                """));
        while (!process.outputTail().contains("STARTED")) {
            Thread.sleep(20);
        }
        System.out.println("PID " + process.pid());
        System.out.flush();
        Thread.sleep(300_000);
    }
}
