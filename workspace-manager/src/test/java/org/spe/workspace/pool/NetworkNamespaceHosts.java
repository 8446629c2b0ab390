package org.spe.workspace.pool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Separate "hosts" on this machine for tests: Linux network namespaces, each with its own address
 * on a private /24, joined to this namespace by veth pairs on one bridge (the bridge holds
 * {@code .1}, host {@code i} holds {@code .1i}). Needs root and iproute2 ({@code ip}).
 *
 * <p>Names carry this JVM's pid ({@code spesoP-wI}, bridge {@code spbP}), so concurrent runs do
 * not collide; namespaces left by a run whose JVM is gone are removed on the next start.
 * {@link #close()} kills every process in the namespaces and deletes them and the bridge; a
 * shutdown hook does the same if the test JVM exits without closing. Not thread-safe.
 */
final class NetworkNamespaceHosts implements AutoCloseable {
    private static final String PREFIX = "speso";

    private final long pid = ProcessHandle.current().pid();
    private final String bridge = "spb" + pid;
    private final String subnet;
    private final List<String> namespaces = new ArrayList<>();
    private final Thread cleanupHook = new Thread(this::cleanUp, "netns-cleanup");
    private boolean closed;

    private NetworkNamespaceHosts(String subnet) {
        this.subnet = subnet;
    }

    /** Creates the bridge and {@code count} namespaces, each with its address and loopback up. */
    static NetworkNamespaceHosts create(int count) {
        removeLeftovers();
        long pid = ProcessHandle.current().pid();
        int octet = (int) (20 + pid % 200);
        while (!run("ip", "-4", "route", "show", "10.231." + octet + ".0/24").isBlank()) {
            octet = 20 + (octet - 19) % 200;
        }
        NetworkNamespaceHosts hosts = new NetworkNamespaceHosts("10.231." + octet);
        Runtime.getRuntime().addShutdownHook(hosts.cleanupHook);
        try {
            run("ip", "link", "add", hosts.bridge, "type", "bridge");
            // A fixed MAC: otherwise the bridge takes the lowest MAC of its ports and changes it when
            // that port goes, and the other hosts' ARP entries for the bridge address go stale for a minute.
            run("ip", "link", "set", hosts.bridge, "address", String.format("02:53:50:%02x:%02x:01", (pid >> 8) & 0xff, pid & 0xff));
            run("ip", "addr", "add", hosts.bridgeAddress() + "/24", "dev", hosts.bridge);
            run("ip", "link", "set", hosts.bridge, "up");
            for (int i = 1; i <= count; i++) {
                String namespace = PREFIX + pid + "-w" + i;
                String veth = "sv" + pid + "w" + i;
                run("ip", "netns", "add", namespace);
                hosts.namespaces.add(namespace);
                run("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace);
                run("ip", "link", "set", veth, "master", hosts.bridge, "up");
                run("ip", "-n", namespace, "addr", "add", hosts.address(i) + "/24", "dev", "eth0");
                run("ip", "-n", namespace, "link", "set", "eth0", "up");
                run("ip", "-n", namespace, "link", "set", "lo", "up");
                run("ip", "-n", namespace, "route", "add", "default", "via", hosts.bridgeAddress());
            }
            return hosts;
        } catch (RuntimeException e) {
            hosts.close();
            throw e;
        }
    }

    /** This namespace's address on the bridge. */
    String bridgeAddress() {
        return subnet + ".1";
    }

    /** The address of host {@code index} (1-based). */
    String address(int index) {
        return subnet + "." + (10 + index);
    }

    /** Starts {@code command} inside host {@code index}'s namespace, output to {@code log}. */
    Process start(int index, List<String> command, Map<String, String> environment, Path log) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespaces.get(index - 1)));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("SPARK_"));
        builder.environment().putAll(environment);
        try {
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a process in " + namespaces.get(index - 1), e);
        }
    }

    /** Removes host {@code index} as a lost machine would vanish: kills all its processes at once, then deletes its namespace. */
    void remove(int index) {
        String namespace = namespaces.get(index - 1);
        killAll(namespace);
        run("ip", "netns", "del", namespace);
        namespaces.set(index - 1, "");
    }

    @Override
    public void close() {
        cleanUp();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook is running or has run
        }
    }

    private synchronized void cleanUp() {
        if (closed) {
            return;
        }
        closed = true;
        for (String namespace : namespaces) {
            if (!namespace.isEmpty()) {
                killAll(namespace);
                runQuietly("ip", "netns", "del", namespace);
            }
        }
        runQuietly("ip", "link", "del", bridge);
    }

    private static void killAll(String namespace) {
        for (String line : runQuietly("ip", "netns", "pids", namespace).split("\\s+")) {
            if (!line.isBlank()) {
                ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!runQuietly("ip", "netns", "pids", namespace).isBlank() && System.nanoTime() < deadline) {
            sleep(100);
        }
    }

    /** Deletes namespaces and bridges of earlier runs whose JVM no longer exists. */
    private static void removeLeftovers() {
        for (String line : run("ip", "netns", "list").split("\n")) {
            String name = line.trim().split("\\s+")[0];
            if (name.startsWith(PREFIX) && name.contains("-w")) {
                long owner = Long.parseLong(name.substring(PREFIX.length(), name.indexOf("-w")));
                if (ProcessHandle.of(owner).isEmpty()) {
                    killAll(name);
                    runQuietly("ip", "netns", "del", name);
                    runQuietly("ip", "link", "del", "spb" + owner);
                }
            }
        }
    }

    /** Runs a command; its output, or an exception with the output when it fails. */
    static String run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (root and iproute2 are needed): " + output.trim());
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command[0] + " (iproute2 is needed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    private static String runQuietly(String... command) {
        try {
            return run(command);
        } catch (RuntimeException e) {
            return "";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
