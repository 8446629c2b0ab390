package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import javax.imageio.ImageIO;
import org.apache.guacamole.GuacamoleConnectionClosedException;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.GuacamoleServerException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.SpeException;

/**
 * The embedded stand-in for guacd: a {@link GuacamoleSocket} that speaks the Guacamole protocol to
 * the tunnel and RFB to the workspace's VNC server, so the tunnel and browser code are the same
 * as with a real guacd ({@link GuacdDesktopConnector}).
 *
 * <p>Towards the browser it sends what guacd's VNC support sends: {@code size} of the default
 * layer, changed regions as PNG {@code img} streams ({@code blob}s of at most 6048 bytes, then
 * {@code end}), {@code copy} for the server's CopyRect, the pointer's shape as {@code cursor} from
 * an off-screen buffer (the browser draws the pointer, so moving it costs no screen updates), and
 * {@code sync} with a millisecond timestamp after each frame and at least every
 * {@link #KEEPALIVE_MILLIS} ms (the session recording's clock, and the browser's keep-alive). The watermark ({@link Watermark}) is its own
 * layer 1 above the desktop, redrawn every minute. From the browser it takes {@code key},
 * {@code mouse}, {@code size} (the browser's display changed size: the gateway asks the VNC server
 * to resize its screen with RFB SetDesktopSize, clamped to {@link DesktopSettings#checkSize}'s
 * range; when the server has resized it sends {@code size} for both layers, a new watermark and
 * the whole screen, as guacd does), {@code sync} acknowledgements, {@code clipboard} streams
 * (only if a filter in front lets them through) and {@code disconnect}; other opcodes are
 * ignored, as guacd ignores what a protocol does not support.
 *
 * <p>Flow control: instructions wait in a bounded queue; when the browser reads slowly the RFB
 * thread blocks, stops asking for updates, and the VNC server coalesces changes meanwhile.
 *
 * <p>Thread-safe: one thread reads ({@link #getReader()}), any thread writes.
 */
public final class VncGatewaySocket implements GuacamoleSocket {
    /** Keep-alive period: the browser's tunnel gives up after 15 s of silence. */
    public static final long KEEPALIVE_MILLIS = 5_000;
    static final int BLOB_BYTES = 6048;
    private static final long WATERMARK_MILLIS = 60_000;
    private static final int WATERMARK_LAYER = 1;
    /** The off-screen buffer the pointer's shape is drawn into before {@code cursor} uses it. */
    private static final int CURSOR_BUFFER = -1;
    private static final String END = "";
    private static final Logger log = LoggerFactory.getLogger(VncGatewaySocket.class);

    private final RfbClient rfb;
    private final Clock clock;
    private final String userId;
    private final BlockingQueue<String> outbound = new ArrayBlockingQueue<>(1024);
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final AtomicLong lastSent = new AtomicLong();
    private final AtomicLong lastAcknowledged = new AtomicLong();
    private final ScheduledExecutorService timer;
    private final InstructionParser inbound = new InstructionParser();
    private final List<Rectangle> dirty = new ArrayList<>();
    private final Thread reader;
    private volatile LongConsumer onFrame = timestamp -> { };
    private volatile BufferedImage frame;
    /** RFB thread only: the screen changed size since the last update request, so ask for all of it. */
    private boolean wholeScreenNeeded;
    /** Writer only: the last size asked of the VNC server, so repeated {@code size}s are sent once. */
    private long requestedSize = -1;
    private int[] pixels;
    private int stream;
    private ClipboardUpload clipboard;

    private record ClipboardUpload(String stream, StringBuilder data) {}

    private VncGatewaySocket(RfbClient rfb, String userId, Clock clock) {
        this.rfb = rfb;
        this.userId = userId;
        this.clock = clock;
        allocate(rfb.width(), rfb.height());
        enqueue(Instruction.of("name", rfb.name()));
        enqueue(Instruction.of("size", 0, rfb.width(), rfb.height()));
        enqueue(Instruction.of("move", WATERMARK_LAYER, 0, 0, 0, 10));
        enqueue(Instruction.of("size", WATERMARK_LAYER, rfb.width(), rfb.height()));
        watermark();
        this.reader = new Thread(this::pump, "spe-desktop-rfb");
        this.reader.setDaemon(true);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spe-desktop-keepalive");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to the VNC server of a desktop and starts relaying. Blocks for the RFB handshake.
     *
     * @param userId the user the watermark names
     * @throws SpeException (UNAVAILABLE, retriable) if the VNC server cannot be reached
     */
    public static VncGatewaySocket open(java.nio.file.Path vncSocket, String userId, Clock clock) {
        requireNonNull(vncSocket, "vncSocket is null");
        requireNonNull(userId, "userId is null");
        requireNonNull(clock, "clock is null");
        RfbClient rfb;
        try {
            rfb = RfbClient.connect(vncSocket);
        } catch (IOException e) {
            throw new org.spe.core.RetriableException("The desktop's VNC server cannot be reached: " + e.getMessage(), e);
        }
        VncGatewaySocket socket = new VncGatewaySocket(rfb, userId, clock);
        socket.reader.start();
        socket.timer.scheduleWithFixedDelay(socket::keepAlive, 1000, 1000, TimeUnit.MILLISECONDS);
        socket.timer.scheduleWithFixedDelay(socket::watermarkSafely, WATERMARK_MILLIS, WATERMARK_MILLIS, TimeUnit.MILLISECONDS);
        return socket;
    }

    /** Called with each frame's {@code sync} timestamp once the frame is queued (for benchmarks). */
    public void onFrame(LongConsumer listener) {
        this.onFrame = requireNonNull(listener, "listener is null");
    }

    /** The timestamp of the last {@code sync} the browser acknowledged, 0 before the first. */
    public long lastAcknowledgedSync() {
        return lastAcknowledged.get();
    }

    @Override
    public String getProtocol() {
        return "vnc";
    }

    @Override
    public GuacamoleReader getReader() {
        return new Reader();
    }

    @Override
    public GuacamoleWriter getWriter() {
        return new Writer();
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    /** Closes the VNC connection; the reader then reaches the end of the stream. Idempotent. */
    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            timer.shutdownNow();
            rfb.close();
            outbound.clear();
            outbound.offer(END);
        }
    }

    private void pump() {
        try {
            // Xvnc draws the pointer into the screen while it is not where this connection last put it;
            // put it somewhere (the centre, where a new X server starts it), so the browser draws it instead.
            rfb.sendPointer(rfb.width() / 2, rfb.height() / 2, 0);
            rfb.requestUpdate(false);
            rfb.run(new RfbClient.Listener() {
                @Override
                public void resized(int width, int height) {
                    allocate(width, height);
                    enqueue(Instruction.of("size", 0, width, height));
                    enqueue(Instruction.of("size", WATERMARK_LAYER, width, height));
                    watermark();
                    dirty.add(new Rectangle(0, 0, width, height));
                    wholeScreenNeeded = true;
                }

                @Override
                public void raw(int x, int y, int width, int height, int[] rectangle) {
                    for (int row = 0; row < height; row++) {
                        System.arraycopy(rectangle, row * width, pixels, (y + row) * frame.getWidth() + x, width);
                    }
                    dirty.add(new Rectangle(x, y, width, height));
                }

                @Override
                public void copy(int sourceX, int sourceY, int x, int y, int width, int height) {
                    flushDirty();
                    int stride = frame.getWidth();
                    int[] copy = new int[width * height];
                    for (int row = 0; row < height; row++) {
                        System.arraycopy(pixels, (sourceY + row) * stride + sourceX, copy, row * width, width);
                    }
                    for (int row = 0; row < height; row++) {
                        System.arraycopy(copy, row * width, pixels, (y + row) * stride + x, width);
                    }
                    enqueue(Instruction.of("copy", 0, sourceX, sourceY, width, height, 12, 0, x, y));
                }

                @Override
                public void updateEnd() {
                    flushDirty();
                    long now = clock.millis();
                    enqueue(Instruction.of("sync", now));
                    onFrame.accept(now);
                    try {
                        rfb.requestUpdate(!wholeScreenNeeded);
                        wholeScreenNeeded = false;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }

                @Override
                public void cursor(int hotX, int hotY, int width, int height, int[] argb) {
                    BufferedImage shape = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
                    shape.setRGB(0, 0, width, height, argb, 0, width);
                    enqueue(Instruction.of("size", CURSOR_BUFFER, width, height));
                    image(CURSOR_BUFFER, 12, 0, 0, shape);
                    enqueue(Instruction.of("cursor", hotX, hotY, CURSOR_BUFFER, 0, 0, width, height));
                }

                @Override
                public void serverCutText(String text) {
                    String index = nextStream();
                    enqueue(Instruction.of("clipboard", index, "text/plain"));
                    enqueue(Instruction.of("blob", index, Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
                    enqueue(Instruction.of("end", index));
                }
            });
        } catch (IOException | UncheckedIOException e) {
            if (open.get()) {
                log.info("Desktop connection ended: {}", e.getMessage());
            }
        } catch (RuntimeException e) {
            log.error("Desktop gateway failed", e);
        } finally {
            close();
        }
    }

    private void allocate(int width, int height) {
        frame = new BufferedImage(Math.max(1, width), Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        pixels = ((DataBufferInt) frame.getRaster().getDataBuffer()).getData();
    }

    /** Sends the changed regions: each one, or their bounding box when they mostly fill it. */
    private void flushDirty() {
        if (dirty.isEmpty()) {
            return;
        }
        Rectangle bounds = new Rectangle(dirty.get(0));
        long area = 0;
        for (Rectangle rectangle : dirty) {
            bounds = bounds.union(rectangle);
            area += (long) rectangle.width * rectangle.height;
        }
        List<Rectangle> regions = dirty.size() > 16 || area * 2 >= (long) bounds.width * bounds.height ? List.of(bounds) : List.copyOf(dirty);
        dirty.clear();
        Rectangle screen = new Rectangle(0, 0, frame.getWidth(), frame.getHeight());
        for (Rectangle region : regions) {
            Rectangle clipped = region.intersection(screen);
            if (!clipped.isEmpty()) {
                image(0, 14, clipped.x, clipped.y, frame.getSubimage(clipped.x, clipped.y, clipped.width, clipped.height));
            }
        }
    }

    private void image(int layer, int mask, int x, int y, BufferedImage image) {
        String index = nextStream();
        enqueue(Instruction.of("img", index, mask, layer, "image/png", x, y));
        byte[] png = png(image);
        for (int offset = 0; offset < png.length; offset += BLOB_BYTES) {
            int length = Math.min(BLOB_BYTES, png.length - offset);
            enqueue(Instruction.of("blob", index, Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(png, offset, offset + length))));
        }
        enqueue(Instruction.of("end", index));
    }

    private synchronized void watermark() {
        BufferedImage current = frame;
        BufferedImage image = Watermark.render(Watermark.text(userId, clock.instant()), current.getWidth(), current.getHeight());
        image(WATERMARK_LAYER, 12, 0, 0, image);
    }

    private void watermarkSafely() {
        try {
            watermark();
            enqueue(Instruction.of("sync", clock.millis()));
        } catch (RuntimeException e) {
            log.debug("Redrawing the watermark failed: {}", e.getMessage());
        }
    }

    private void keepAlive() {
        if (open.get() && clock.millis() - lastSent.get() >= KEEPALIVE_MILLIS) {
            enqueue(Instruction.of("sync", clock.millis()));
        }
    }

    private synchronized String nextStream() {
        stream = (stream + 1) % 64;
        return Integer.toString(stream);
    }

    private static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, image.getWidth() * image.getHeight() / 4));
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void enqueue(Instruction instruction) {
        if (!open.get()) {
            return;
        }
        try {
            while (!outbound.offer(instruction.encode(), 200, TimeUnit.MILLISECONDS)) {
                if (!open.get()) {
                    return;
                }
            }
            lastSent.set(clock.millis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(Instruction instruction) throws IOException {
        switch (instruction.opcode()) {
            case "key" -> rfb.sendKey(instruction.intArgument(0), "1".equals(instruction.argument(1)));
            case "mouse" -> rfb.sendPointer(instruction.intArgument(0), instruction.intArgument(1), instruction.intArgument(2));
            case "sync" -> {
                try {
                    lastAcknowledged.set(Long.parseLong(instruction.argument(0)));
                } catch (NumberFormatException e) {
                    throw SpeException.invalid("sync needs a numeric timestamp");
                }
            }
            case "size" -> resize(instruction);
            case "disconnect" -> close();
            case "clipboard" -> clipboard = new ClipboardUpload(instruction.argument(0), new StringBuilder());
            case "blob" -> {
                if (clipboard != null && clipboard.stream().equals(instruction.argument(0)) && clipboard.data().length() < 1 << 20) {
                    clipboard.data().append(instruction.argument(1));
                }
            }
            case "end" -> {
                if (clipboard != null && clipboard.stream().equals(instruction.argument(0))) {
                    rfb.sendCutText(new String(Base64.getDecoder().decode(clipboard.data().toString()), java.nio.charset.StandardCharsets.UTF_8));
                    clipboard = null;
                }
            }
            default -> { } // audio, nop and the rest: nothing to do
        }
    }

    /** The browser's {@code size,W,H[,DPI]}: asks the VNC server for that screen, within the platform's limits. */
    private void resize(Instruction instruction) throws IOException {
        int width = Math.max(DesktopSettings.MIN_SIZE, Math.min(DesktopSettings.MAX_WIDTH, instruction.intArgument(0)));
        int height = Math.max(DesktopSettings.MIN_SIZE, Math.min(DesktopSettings.MAX_HEIGHT, instruction.intArgument(1)));
        long size = (long) width << 32 | height;
        if (size == requestedSize || width == rfb.width() && height == rfb.height() && requestedSize < 0) {
            return;
        }
        if (rfb.requestSize(width, height)) {
            requestedSize = size;
            log.debug("Asked the desktop for {}x{}", width, height);
        }
    }

    /** The browser-bound half: whole instructions from the queue, {@code null} at the end. */
    private final class Reader implements GuacamoleReader {
        @Override
        public boolean available() {
            return !outbound.isEmpty();
        }

        @Override
        public char[] read() throws GuacamoleException {
            String next = take();
            return next == null ? null : next.toCharArray();
        }

        @Override
        public GuacamoleInstruction readInstruction() throws GuacamoleException {
            String next = take();
            return next == null ? null : InstructionParser.parseOne(next).toGuacamole();
        }

        private String take() throws GuacamoleException {
            try {
                String next = outbound.take();
                if (next == END) {
                    outbound.offer(END);
                    return null;
                }
                return next;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GuacamoleConnectionClosedException("interrupted while reading the desktop");
            }
        }
    }

    /** The desktop-bound half: parses what the browser sends and turns it into RFB events. */
    private final class Writer implements GuacamoleWriter {
        @Override
        public void write(char[] chunk, int offset, int length) throws GuacamoleException {
            if (!open.get()) {
                throw new GuacamoleConnectionClosedException("the desktop connection is closed");
            }
            synchronized (inbound) {
                try {
                    inbound.append(chunk, offset, length);
                    Optional<Instruction> next;
                    while ((next = inbound.next()).isPresent()) {
                        handle(next.get());
                    }
                } catch (SpeException e) {
                    close();
                    throw new GuacamoleServerException(e.getMessage(), e);
                } catch (IOException e) {
                    close();
                    throw new GuacamoleConnectionClosedException("the desktop connection failed: " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void write(char[] chunk) throws GuacamoleException {
            write(chunk, 0, chunk.length);
        }

        @Override
        public void writeInstruction(GuacamoleInstruction instruction) throws GuacamoleException {
            write(instruction.toString().toCharArray());
        }
    }
}
