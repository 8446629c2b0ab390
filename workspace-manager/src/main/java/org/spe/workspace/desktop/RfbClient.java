package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small RFB (VNC, RFC 6143, protocol 3.8) client: security type None, a 32-bit true-colour
 * pixel format, the Raw and CopyRect encodings and the Cursor, DesktopSize and ExtendedDesktopSize
 * pseudo-encodings (the pointer's shape comes apart from the screen, so moving it sends no
 * pixels), the last with the SetDesktopSize message by which a client asks the server
 * to resize its screen (RFB community extension, as TigerVNC's {@code Xvnc} implements it). It is
 * what the embedded desktop gateway needs and nothing more; the VNC server it talks to listens on
 * a Unix socket that only the platform can reach, so no VNC password is used.
 *
 * <p>{@link #run(Listener)} reads server messages on the caller's thread until the connection
 * ends; the {@code send*} methods may be called from any thread concurrently with it (they
 * serialise among themselves). Reads and writes go straight to the channel, never through
 * {@code Channels.newInputStream}, whose blocking lock would make a writer wait for a reader.
 */
public final class RfbClient implements AutoCloseable {
    /** What the server sends, delivered on the thread that called {@link #run}. */
    public interface Listener {
        /** The framebuffer has (now) this size; all of it will be sent again. */
        void resized(int width, int height);

        /** Pixels of one rectangle, row by row, as {@code 0xRRGGBB} ints. */
        void raw(int x, int y, int width, int height, int[] pixels);

        /** Copy the rectangle at {@code (sourceX, sourceY)} to {@code (x, y)}. */
        void copy(int sourceX, int sourceY, int x, int y, int width, int height);

        /** The end of one framebuffer update: a consistent frame is complete. */
        void updateEnd();

        /** The desktop's clipboard changed (only when the server sends it). */
        void serverCutText(String text);

        /**
         * The pointer's shape changed: {@code width}×{@code height} pixels as {@code 0xAARRGGBB}
         * (alpha 0 or 255), with its hot spot at {@code (hotX, hotY)}. The server no longer draws
         * the pointer into the screen.
         */
        default void cursor(int hotX, int hotY, int width, int height, int[] argb) {
        }
    }

    private static final int ENCODING_RAW = 0;
    private static final int ENCODING_COPY_RECT = 1;
    private static final int ENCODING_DESKTOP_SIZE = -223;
    private static final int ENCODING_EXTENDED_DESKTOP_SIZE = -308;
    private static final int ENCODING_CURSOR = -239;
    private static final int MAX_CURSOR = 256;
    private static final int SET_DESKTOP_SIZE = 251;
    /** The largest screen the client accepts from the server. */
    static final int MAX_SCREEN = 8192;
    /** Largest rectangle or text the client accepts, so a broken server cannot exhaust memory. */
    private static final int MAX_PIXELS = 8192 * 8192;
    private static final int MAX_TEXT = 1024 * 1024;

    private final SocketChannel channel;
    private final DataInputStream in;
    private final Object writeLock = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int width;
    private volatile int height;
    /** The id of the server's (first) screen, once it announced ExtendedDesktopSize; -1 before. */
    private volatile long screenId = -1;
    private final String name;

    private RfbClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.in = new DataInputStream(new java.io.BufferedInputStream(new ChannelInput(channel), 64 * 1024));
        handshake();
        width = in.readUnsignedShort();
        height = in.readUnsignedShort();
        in.readFully(new byte[16]); // the server's pixel format; ours replaces it below
        name = readText(in.readInt(), 4096);
        setPixelFormat();
        setEncodings();
    }

    /**
     * Connects to the VNC server on the Unix socket {@code socket} and completes the handshake.
     *
     * @throws IOException if the socket cannot be reached or the server does not speak RFB 3.8
     *     with security type None
     */
    public static RfbClient connect(Path socket) throws IOException {
        requireNonNull(socket, "socket is null");
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new RfbClient(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The desktop's name as the server announced it. */
    public String name() {
        return name;
    }

    private void handshake() throws IOException {
        byte[] version = new byte[12];
        in.readFully(version);
        String banner = new String(version, StandardCharsets.US_ASCII);
        if (!banner.startsWith("RFB 003.")) {
            throw new IOException("not an RFB server: " + banner.strip());
        }
        write(ByteBuffer.wrap("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)));
        int count = in.readUnsignedByte();
        if (count == 0) {
            throw new IOException("the VNC server refused the connection: " + readText(in.readInt(), 4096));
        }
        boolean none = false;
        for (int i = 0; i < count; i++) {
            none |= in.readUnsignedByte() == 1;
        }
        if (!none) {
            throw new IOException("the VNC server does not offer security type None");
        }
        write(ByteBuffer.wrap(new byte[] {1}));
        int result = in.readInt();
        if (result != 0) {
            throw new IOException("VNC security handshake failed: " + readText(in.readInt(), 4096));
        }
        write(ByteBuffer.wrap(new byte[] {1})); // ClientInit: shared
    }

    private void setPixelFormat() throws IOException {
        ByteBuffer message = ByteBuffer.allocate(20);
        message.put((byte) 0).put(new byte[3]);
        message.put((byte) 32).put((byte) 24).put((byte) 0).put((byte) 1); // bpp, depth, little-endian, true colour
        message.putShort((short) 255).putShort((short) 255).putShort((short) 255);
        message.put((byte) 16).put((byte) 8).put((byte) 0).put(new byte[3]);
        write(message.flip());
    }

    private void setEncodings() throws IOException {
        int[] encodings = {ENCODING_COPY_RECT, ENCODING_RAW, ENCODING_CURSOR, ENCODING_EXTENDED_DESKTOP_SIZE, ENCODING_DESKTOP_SIZE};
        ByteBuffer message = ByteBuffer.allocate(4 + 4 * encodings.length);
        message.put((byte) 2).put((byte) 0).putShort((short) encodings.length);
        for (int encoding : encodings) {
            message.putInt(encoding);
        }
        write(message.flip());
    }

    /** Asks for an update of the whole screen; {@code incremental} asks only for changes. */
    public void requestUpdate(boolean incremental) throws IOException {
        ByteBuffer message = ByteBuffer.allocate(10);
        message.put((byte) 3).put((byte) (incremental ? 1 : 0)).putShort((short) 0).putShort((short) 0)
                .putShort((short) width).putShort((short) height);
        write(message.flip());
    }

    /** Whether the server can be asked to resize its screen (it announced ExtendedDesktopSize). */
    public boolean canResize() {
        return screenId >= 0;
    }

    /**
     * Asks the server to make its screen {@code width}×{@code height} (SetDesktopSize, one screen
     * covering it). The server answers with an ExtendedDesktopSize rectangle: on success the
     * listener's {@link Listener#resized} follows; a refusal leaves the size as it was.
     *
     * @return false (and nothing sent) when the server cannot resize, see {@link #canResize()}
     * @throws IllegalArgumentException if a side is not 1..{@value #MAX_SCREEN}
     */
    public boolean requestSize(int width, int height) throws IOException {
        if (width < 1 || height < 1 || width > MAX_SCREEN || height > MAX_SCREEN) {
            throw new IllegalArgumentException("screen size must be 1.." + MAX_SCREEN + " per side: " + width + "x" + height);
        }
        long id = screenId;
        if (id < 0) {
            return false;
        }
        ByteBuffer message = ByteBuffer.allocate(24);
        message.put((byte) SET_DESKTOP_SIZE).put((byte) 0).putShort((short) width).putShort((short) height)
                .put((byte) 1).put((byte) 0) // one screen, padding
                .putInt((int) id).putShort((short) 0).putShort((short) 0).putShort((short) width).putShort((short) height).putInt(0);
        write(message.flip());
        return true;
    }

    /** Presses or releases the key with X11 keysym {@code keysym}. */
    public void sendKey(int keysym, boolean pressed) throws IOException {
        ByteBuffer message = ByteBuffer.allocate(8);
        message.put((byte) 4).put((byte) (pressed ? 1 : 0)).putShort((short) 0).putInt(keysym);
        write(message.flip());
    }

    /** Moves the pointer to {@code (x, y)} with the buttons of {@code buttonMask} down (bit 0 = left). */
    public void sendPointer(int x, int y, int buttonMask) throws IOException {
        ByteBuffer message = ByteBuffer.allocate(6);
        message.put((byte) 5).put((byte) buttonMask).putShort((short) clamp(x, width)).putShort((short) clamp(y, height));
        write(message.flip());
    }

    /** Sets the desktop's clipboard (Latin-1, as RFB defines it; other characters become '?'). */
    public void sendCutText(String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer message = ByteBuffer.allocate(8 + bytes.length);
        message.put((byte) 6).put(new byte[3]).putInt(bytes.length).put(bytes);
        write(message.flip());
    }

    /**
     * Reads server messages and hands them to {@code listener} until the connection ends. Blocks.
     *
     * @throws IOException when the connection fails or the server breaks the protocol; a clean
     *     close after {@link #close()} returns normally
     */
    public void run(Listener listener) throws IOException {
        try {
            while (true) {
                int type = in.readUnsignedByte();
                switch (type) {
                    case 0 -> update(listener);
                    case 1 -> {
                        in.readUnsignedByte();
                        in.readUnsignedShort();
                        skip(6L * in.readUnsignedShort());
                    }
                    case 2 -> { } // bell
                    case 3 -> {
                        skip(3);
                        listener.serverCutText(readText(in.readInt(), MAX_TEXT));
                    }
                    default -> throw new IOException("unknown RFB server message type " + type);
                }
            }
        } catch (EOFException | java.nio.channels.ClosedChannelException e) {
            if (!closed.get()) {
                throw new EOFException("the VNC server closed the connection");
            }
        } catch (IOException e) {
            if (!closed.get()) {
                throw e;
            }
        }
    }

    private void update(Listener listener) throws IOException {
        in.readUnsignedByte();
        int rectangles = in.readUnsignedShort();
        for (int i = 0; i < rectangles; i++) {
            int x = in.readUnsignedShort();
            int y = in.readUnsignedShort();
            int w = in.readUnsignedShort();
            int h = in.readUnsignedShort();
            int encoding = in.readInt();
            switch (encoding) {
                case ENCODING_RAW -> {
                    if ((long) w * h > MAX_PIXELS || x + w > width || y + h > height) {
                        throw new IOException("RFB rectangle " + w + "x" + h + "+" + x + "+" + y + " outside the " + width + "x" + height + " screen");
                    }
                    byte[] bytes = new byte[w * h * 4];
                    in.readFully(bytes);
                    int[] pixels = new int[w * h];
                    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(pixels);
                    for (int p = 0; p < pixels.length; p++) {
                        pixels[p] &= 0xFFFFFF;
                    }
                    listener.raw(x, y, w, h, pixels);
                }
                case ENCODING_COPY_RECT -> listener.copy(in.readUnsignedShort(), in.readUnsignedShort(), x, y, w, h);
                case ENCODING_DESKTOP_SIZE -> screenSize(listener, w, h);
                case ENCODING_EXTENDED_DESKTOP_SIZE -> extendedDesktopSize(listener, x, y, w, h);
                case ENCODING_CURSOR -> cursor(listener, x, y, w, h);
                default -> throw new IOException("the VNC server used encoding " + encoding + ", which was not asked for");
            }
        }
        listener.updateEnd();
    }

    /**
     * An ExtendedDesktopSize rectangle: {@code x} is why (0 the server, 1 this client, 2 another
     * client), {@code y} the outcome of a request (0 done, otherwise refused), then the screens.
     * A refusal keeps the size; so does a rectangle that repeats the current size.
     */
    private void extendedDesktopSize(Listener listener, int reason, int status, int w, int h) throws IOException {
        int screens = in.readUnsignedByte();
        skip(3);
        long first = -1;
        for (int i = 0; i < screens; i++) {
            long id = in.readInt() & 0xFFFFFFFFL;
            skip(12); // x, y, width, height, flags of the screen
            if (i == 0) {
                first = id;
            }
        }
        if (first >= 0) {
            screenId = first;
        } else if (screenId < 0) {
            screenId = 0;
        }
        if (reason == 1 && status != 0) {
            return; // our request was refused: the screen stays as it is
        }
        screenSize(listener, w, h);
    }

    /** A Cursor rectangle: the pointer's pixels, then a bit mask (rows padded to bytes, MSB first) of those that show. */
    private void cursor(Listener listener, int hotX, int hotY, int w, int h) throws IOException {
        if (w > MAX_CURSOR || h > MAX_CURSOR) {
            throw new IOException("RFB cursor of " + w + "x" + h + " exceeds " + MAX_CURSOR + " pixels a side");
        }
        byte[] bytes = new byte[w * h * 4];
        in.readFully(bytes);
        int rowBytes = (w + 7) / 8;
        byte[] mask = new byte[rowBytes * h];
        in.readFully(mask);
        if (w == 0 || h == 0) {
            return; // an invisible pointer: keep the last shape
        }
        int[] argb = new int[w * h];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(argb);
        for (int row = 0; row < h; row++) {
            for (int column = 0; column < w; column++) {
                boolean shown = (mask[row * rowBytes + column / 8] & (0x80 >>> (column % 8))) != 0;
                int p = row * w + column;
                argb[p] = shown ? 0xFF000000 | argb[p] & 0xFFFFFF : 0;
            }
        }
        listener.cursor(hotX, hotY, w, h, argb);
    }

    private void screenSize(Listener listener, int w, int h) throws IOException {
        if (w < 1 || h < 1 || w > MAX_SCREEN || h > MAX_SCREEN) {
            throw new IOException("the VNC server announced a " + w + "x" + h + " screen");
        }
        if (w != width || h != height) {
            width = w;
            height = h;
            listener.resized(w, h);
        }
    }

    private String readText(int length, int max) throws IOException {
        if (length < 0 || length > max) {
            throw new IOException("RFB text of " + length + " bytes exceeds " + max);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                in.readUnsignedByte();
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private void write(ByteBuffer buffer) throws IOException {
        synchronized (writeLock) {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }

    private static int clamp(int value, int size) {
        return Math.max(0, Math.min(value, Math.max(0, size - 1)));
    }

    /** Closes the connection; {@link #run} then returns. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** Reads a blocking channel without taking its blocking lock (see the class comment). */
    private static final class ChannelInput extends InputStream {
        private final SocketChannel channel;

        ChannelInput(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            return channel.read(ByteBuffer.wrap(buffer, offset, length));
        }
    }
}
