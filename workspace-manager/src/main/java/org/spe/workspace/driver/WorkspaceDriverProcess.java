package org.spe.workspace.driver;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;
import org.spe.workspace.data.LocalSpark;
import org.spe.workspace.helper.ControlSocketServer;

/**
 * One workspace driver JVM ({@link WorkspaceDriverMain}) seen from the platform: started with a
 * Spark application's settings, asked over its private Unix socket, stopped by closing its standard
 * input. Thread-safe: requests may be sent from several threads at once (each on its own connection).
 */
public final class WorkspaceDriverProcess implements AutoCloseable {
    /** The file that holds the driver's pid in its directory (for reconciliation after a crash). */
    public static final String PID_FILE = "pid";

    private final String name;
    private final Path directory;
    private final Process process;
    private final OutputStream stdin;
    private final long startedNanos = System.nanoTime();
    private volatile String applicationId = "";

    private WorkspaceDriverProcess(String name, Path directory, Process process) {
        this.name = name;
        this.directory = directory;
        this.process = process;
        this.stdin = process.getOutputStream();
    }

    /**
     * Launches a driver JVM. Returns at once; call {@link #awaitReady} before sending requests.
     *
     * @param name the driver's name (a folder name under {@code root}: letters, digits, {@code -})
     * @param root where drivers keep their directories ({@code <root>/<name>/}, mode 0700, replaced if present)
     * @param sparkSettings the application's Spark settings
     * @param heapMb the driver JVM's heap
     * @throws UncheckedIOException if the directory cannot be made or the JVM cannot start
     */
    public static WorkspaceDriverProcess launch(String name, Path root, Map<String, String> sparkSettings, int heapMb) {
        requireNonNull(name, "name is null");
        requireNonNull(root, "root is null");
        requireNonNull(sparkSettings, "sparkSettings is null");
        if (!name.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("a driver name is 1-64 of [A-Za-z0-9-]: " + name);
        }
        Path directory = root.resolve(name);
        try {
            Files.createDirectories(root);
            deleteRecursively(directory);
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Properties properties = new Properties();
            properties.putAll(sparkSettings);
            properties.setProperty("spark.sql.warehouse.dir", directory.resolve("warehouse").toString());
            try (Writer writer = Files.newBufferedWriter(directory.resolve(WorkspaceDriverMain.SETTINGS_FILE), StandardCharsets.UTF_8)) {
                properties.store(writer, "Spark settings of driver " + name);
            }
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("-Xmx" + heapMb + "m");
            command.add("-XX:+UseSerialGC");
            command.add("-Dspe.driver=" + name);
            command.addAll(LocalSpark.ADD_OPENS);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(WorkspaceDriverMain.class.getName());
            command.add(directory.toString());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(directory.resolve("driver.log").toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("SPARK_"));
            builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
            Process process = builder.start();
            Files.writeString(directory.resolve(PID_FILE), Long.toString(process.pid()), StandardCharsets.UTF_8);
            return new WorkspaceDriverProcess(name, directory, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Spark driver " + name, e);
        }
    }

    /**
     * Blocks until the driver's application is up and its socket answers.
     *
     * @throws RetriableException if it exits or is not ready within {@code timeout} (it is then stopped)
     */
    public WorkspaceDriverProcess awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path ready = directory.resolve(WorkspaceDriverMain.READY_FILE);
        while (!Files.exists(ready)) {
            if (!process.isAlive()) {
                String log = logTail();
                close();
                throw new RetriableException("the Spark driver " + name + " exited (" + process.exitValue() + ") while starting: " + log);
            }
            if (System.nanoTime() > deadline) {
                String log = logTail();
                close();
                throw new RetriableException("the Spark driver " + name + " was not ready after " + timeout + ": " + log);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new RetriableException("interrupted while starting the Spark driver " + name, e);
            }
        }
        try {
            applicationId = Files.readString(ready, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The driver's name. */
    public String name() {
        return name;
    }

    /** The Spark application id (empty until ready). */
    public String applicationId() {
        return applicationId;
    }

    /** The driver JVM's pid. */
    public long pid() {
        return process.pid();
    }

    /** How long since the JVM was launched. */
    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Whether the JVM runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends one request (a JSON object, one line) and answers the driver's JSON line. Blocks until
     * the driver answers (a query runs meanwhile).
     *
     * @throws SpeException UNAVAILABLE if the driver cannot be reached
     */
    public String request(String json) {
        requireNonNull(json, "json is null");
        Path socket = directory.resolve(ControlSocketServer.SOCKET_NAME);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (channel.read(in) >= 0) {
                in.flip();
                answer.write(in.array(), 0, in.limit());
                in.clear();
            }
            return answer.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.UNAVAILABLE, "the Spark driver " + name + " cannot be reached"
                    + (process.isAlive() ? "" : " (it exited)"), e);
        }
    }

    /**
     * Stops the driver: closes its standard input (it then stops its Spark application and exits),
     * waits up to 20 s, then kills it; its folder is removed and its log kept as {@code <root>/<name>.log}.
     * Idempotent; never throws.
     */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // Already closed.
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            // The log stays beside the folder for the operator (removed with the rest at the next platform start).
            Path log = directory.resolve("driver.log");
            if (Files.exists(log)) {
                Files.move(log, directory.resolveSibling(name + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            deleteRecursively(directory);
        } catch (IOException | UncheckedIOException e) {
            // A later launch of the same name replaces it; reconciliation removes what is left.
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(directory.resolve("driver.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException | java.io.UncheckedIOException e) {
            return "(no log)";
        }
    }

    /** Stops the driver without waiting (platform shutdown): closes its input and kills it after 5 s. */
    void closeSoon() {
        try {
            stdin.close();
        } catch (IOException e) {
            // Already closed.
        }
        process.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> {
            process.destroyForcibly();
            return process;
        });
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(path)) {
            for (Path entry : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(entry);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
