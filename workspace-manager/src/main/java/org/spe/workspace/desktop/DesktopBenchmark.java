package org.spe.workspace.desktop;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.spe.core.bench.BenchReport;
import org.spe.workspace.sandbox.BubblewrapSandboxFactory;
import org.spe.workspace.sandbox.SandboxLayout;
import org.spe.workspace.sandbox.SandboxSpec;

/**
 * {@code spe bench desktop}: a real workspace desktop (Xvnc, twm, xterm in bubblewrap) seen
 * through the embedded gateway on loopback, as the browser's tunnel sees it, against Xvnc read
 * directly over RFB in the same run (the baseline of the ratio):
 * <ul>
 *   <li>{@code keyToScreenP50Ms}/{@code P95Ms}: a key press sent as a Guacamole {@code key}
 *       until the frame that draws its echo is complete ({@code img} then {@code sync});
 *       {@code vncKeyToScreenP50Ms}/{@code P95Ms}: the same key through RFB until the
 *       framebuffer update with pixels ends;</li>
 *   <li>{@code framesPerSecond}: frames with pixels per second while a window moves across the
 *       screen and redraws every 20 ms (a small libX11 program, {@code moving-window.py}, that the benchmark
 *       starts inside the desktop's sandbox with the desktop and triggers through a file in the
 *       workspace's control directory, so nothing is typed);</li>
 *   <li>{@code idleBytesPerMinute}: protocol characters per minute of a session where nothing
 *       happens (keep-alive {@code sync}s); {@code busyBytesPerMinute}: while the window moves.</li>
 * </ul>
 * Figures are protocol characters before WebSocket framing; one run takes about two minutes.
 */
public final class DesktopBenchmark {
    public static final int DEFAULT_KEYS = 60;
    private static final int BUSY_SECONDS = 10;
    private static final String MOVING_WINDOW_RESOURCE = "moving-window.py";
    private static final String MOVING_WINDOW = ".spe-bench-moving-window.py";
    private static final String READY_FILE = ".spe-bench-moving-window.ready";
    private static final String START_FILE = ".spe-bench-moving-window.start";

    private DesktopBenchmark() {}

    /** Runs the benchmark with {@code keys} timed key presses per path and writes {@code bench-results/desktop.json}. */
    public static Map<String, Object> run(PrintStream out, int keys) {
        Path root;
        try {
            root = Files.createTempDirectory("spe-bench-desktop");
            for (String part : List.of("home", "outputs", "extract", "control", "runtime")) {
                Files.createDirectories(root.resolve(part));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double loadBefore = loadAverage();
        SandboxSpec spec = new SandboxSpec("bench-desktop", root.resolve("home"), root.resolve("outputs"), root.resolve("extract"), List.of(),
                Map.of(), root.resolve("control"));
        DesktopSettings settings = DesktopSettings.defaults(root.resolve("runtime"));
        Map<String, Object> figures = new LinkedHashMap<>();
        Path home = root.resolve("home");
        writeMovingWindow(home);
        String control = SandboxLayout.CONTROL + "/";
        List<String> movingWindow = List.of("/usr/bin/python3 " + SandboxLayout.HOME + "/" + MOVING_WINDOW + " " + control + READY_FILE + " " + control + START_FILE
                + " " + (BUSY_SECONDS + 5));
        try (WorkspaceDesktop desktop = WorkspaceDesktop.start(new BubblewrapSandboxFactory(root.resolve("runtime")), spec, settings, 1024, 768, false,
                movingWindow)) {
            Client client = new Client(VncGatewaySocket.open(desktop.vncSocket(), "bench", Clock.systemUTC()));
            try {
                client.awaitFrames(1, Duration.ofSeconds(30));
                client.send(Instruction.of("mouse", 200, 150, 0));
                Thread.sleep(500);
                double[] gateway = client.keyLatencies(keys);
                double[] direct = directKeyLatencies(desktop, keys);
                Thread.sleep(2_000);
                long idleStart = client.characters.get();
                Thread.sleep(30_000);
                double idlePerMinute = (client.characters.get() - idleStart) * 2.0;
                // a busy screen: the moving window (started with the desktop, waiting since) moves and redraws every 20 ms
                awaitFile(root.resolve("control").resolve(READY_FILE), Duration.ofSeconds(30), root.resolve("control").resolve("desktop-client-0.log"));
                Files.writeString(root.resolve("control").resolve(START_FILE), "go");
                Thread.sleep(500);
                long busyStart = client.characters.get();
                long framesStart = client.pixelFrames.get();
                long started = System.nanoTime();
                Thread.sleep(BUSY_SECONDS * 1000L);
                double seconds = (System.nanoTime() - started) / 1e9;
                double busyPerMinute = (client.characters.get() - busyStart) / seconds * 60;
                double framesPerSecond = (client.pixelFrames.get() - framesStart) / seconds;
                figures.put("keyToScreenP50Ms", round(percentile(gateway, 50)));
                figures.put("keyToScreenP95Ms", round(percentile(gateway, 95)));
                figures.put("vncKeyToScreenP50Ms", round(percentile(direct, 50)));
                figures.put("vncKeyToScreenP95Ms", round(percentile(direct, 95)));
                figures.put("gatewayOverVncP50Ratio", round(percentile(gateway, 50) / percentile(direct, 50)));
                figures.put("framesPerSecond", round(framesPerSecond));
                figures.put("idleBytesPerMinute", Math.round(idlePerMinute));
                figures.put("busyBytesPerMinute", Math.round(busyPerMinute));
                figures.put("keyPresses", keys);
                figures.put("desktopWidth", 1024);
                figures.put("desktopHeight", 768);
            } finally {
                client.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GuacamoleException e) {
            throw new IllegalStateException("the desktop connection failed: " + e.getMessage(), e);
        }
        figures.put("loadAverageBefore", round(loadBefore));
        figures.put("loadAverage", round(loadAverage()));
        BenchReport.write("desktop", figures, out);
        return figures;
    }

    /** Puts the moving window's program into the workspace home, where the desktop's sandbox sees it. */
    private static void writeMovingWindow(Path home) {
        try (var program = DesktopBenchmark.class.getResourceAsStream(MOVING_WINDOW_RESOURCE)) {
            if (program == null) {
                throw new IllegalStateException("missing resource " + MOVING_WINDOW_RESOURCE);
            }
            Files.write(home.resolve(MOVING_WINDOW), program.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitFile(Path file, Duration timeout, Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the moving window did not start in the desktop (it needs python3 and libX11 in the sandbox); its output: "
                        + (Files.exists(log) ? Files.readString(log) : "none"));
            }
            Thread.sleep(100);
        }
    }

    /** Key presses straight to Xvnc over RFB: press, wait for the update with pixels, release. */
    private static double[] directKeyLatencies(WorkspaceDesktop desktop, int keys) throws InterruptedException {
        AtomicLong pixelUpdates = new AtomicLong();
        Object signal = new Object();
        try (RfbClient rfb = RfbClient.connect(desktop.vncSocket())) {
            boolean[] pixels = new boolean[1];
            Thread reader = new Thread(() -> {
                try {
                    rfb.requestUpdate(false);
                    rfb.run(new RfbClient.Listener() {
                        @Override
                        public void resized(int width, int height) {
                        }

                        @Override
                        public void raw(int x, int y, int width, int height, int[] rectangle) {
                            pixels[0] = true;
                        }

                        @Override
                        public void copy(int sourceX, int sourceY, int x, int y, int width, int height) {
                            pixels[0] = true;
                        }

                        @Override
                        public void updateEnd() {
                            if (pixels[0]) {
                                pixels[0] = false;
                                synchronized (signal) {
                                    pixelUpdates.incrementAndGet();
                                    signal.notifyAll();
                                }
                            }
                            try {
                                rfb.requestUpdate(true);
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        }

                        @Override
                        public void serverCutText(String text) {
                        }
                    });
                } catch (IOException | UncheckedIOException e) {
                    // closed at the end
                }
            }, "bench-rfb");
            reader.setDaemon(true);
            reader.start();
            awaitCount(pixelUpdates, signal, 1, Duration.ofSeconds(30));
            Thread.sleep(300);
            double[] latencies = new double[keys];
            for (int i = 0; i < keys; i++) {
                char c = i % 20 == 19 ? '\b' : 'y';
                long before;
                synchronized (signal) {
                    before = pixelUpdates.get();
                }
                long start = System.nanoTime();
                rfb.sendKey(Keysyms.of(c), true);
                awaitCount(pixelUpdates, signal, before + 1, Duration.ofSeconds(10));
                latencies[i] = (System.nanoTime() - start) / 1e6;
                rfb.sendKey(Keysyms.of(c), false);
                Thread.sleep(60);
            }
            for (int i = 0; i < keys; i++) {
                rfb.sendKey(Keysyms.BACKSPACE, true);
                rfb.sendKey(Keysyms.BACKSPACE, false);
            }
            return latencies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitCount(AtomicLong counter, Object signal, long target, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (signal) {
            while (counter.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the screen did not change within " + timeout);
                }
                signal.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The browser's side of the gateway: counts characters and frames with pixels. */
    private static final class Client {
        final AtomicLong characters = new AtomicLong();
        final AtomicLong pixelFrames = new AtomicLong();
        private final VncGatewaySocket socket;
        private final Object signal = new Object();
        private final List<Throwable> failures = new CopyOnWriteArrayList<>();

        Client(VncGatewaySocket socket) {
            this.socket = socket;
            Thread reader = new Thread(this::pump, "bench-gateway");
            reader.setDaemon(true);
            reader.start();
        }

        private void pump() {
            boolean pixels = false;
            try {
                GuacamoleInstruction instruction;
                while ((instruction = socket.getReader().readInstruction()) != null) {
                    characters.addAndGet(instruction.toString().length());
                    String opcode = instruction.getOpcode();
                    if (opcode.equals("img") && "0".equals(instruction.getArgs().get(2)) || opcode.equals("copy")) {
                        pixels = true;
                    } else if (opcode.equals("sync") && pixels) {
                        pixels = false;
                        synchronized (signal) {
                            pixelFrames.incrementAndGet();
                            signal.notifyAll();
                        }
                    }
                }
            } catch (GuacamoleException | RuntimeException e) {
                failures.add(e);
            }
        }

        void awaitFrames(long target, Duration timeout) throws InterruptedException {
            awaitCount(pixelFrames, signal, target, timeout);
        }

        void send(Instruction instruction) throws GuacamoleException {
            socket.getWriter().writeInstruction(instruction.toGuacamole());
        }

        void type(String text) throws GuacamoleException {
            for (Instruction key : Keysyms.type(text)) {
                send(key);
            }
        }

        double[] keyLatencies(int keys) throws GuacamoleException, InterruptedException {
            double[] latencies = new double[keys];
            for (int i = 0; i < keys; i++) {
                char c = i % 20 == 19 ? '\b' : 'x';
                long before;
                synchronized (signal) {
                    before = pixelFrames.get();
                }
                long start = System.nanoTime();
                send(Instruction.of("key", Keysyms.of(c), 1));
                awaitCount(pixelFrames, signal, before + 1, Duration.ofSeconds(10));
                latencies[i] = (System.nanoTime() - start) / 1e6;
                send(Instruction.of("key", Keysyms.of(c), 0));
                Thread.sleep(60);
            }
            type("\b".repeat(keys) + "\n");
            return latencies;
        }

        void close() {
            socket.close();
        }
    }

    static double percentile(double[] values, int percent) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static double loadAverage() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
