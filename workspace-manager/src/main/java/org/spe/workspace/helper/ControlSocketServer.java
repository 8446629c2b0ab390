package org.spe.workspace.helper;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.workspace.sandbox.SandboxLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform's end of a workspace's control socket: a Unix domain socket at
 * {@code <control directory>/spe.sock} ({@code /run/spe/spe.sock} inside the sandbox), mode 0600.
 * The sandbox's uid 1000 is the platform's own uid seen through bubblewrap's user namespace, so the
 * owner bit is all it needs; nothing else on the host reaches a 0600 socket of the platform's user.
 *
 * <p>Protocol: one request per connection, one line of UTF-8 JSON ended by {@code \n} or by the
 * client shutting down its output, at most {@link #MAX_REQUEST_BYTES}; the server answers one line
 * from the {@link ControlHandler} (an error instead when the answer is over
 * {@code maxResponseBytes}) and closes. A request over the limit, or not complete within
 * {@link #REQUEST_READ_TIMEOUT}, is answered with an error unread.
 *
 * <p>Threads: one acceptor, and a small fixed pool of handlers ({@code handlerThreads}, with a bounded
 * queue; a connection beyond it is answered "busy"). Thread-safe; {@link #close} stops accepting,
 * interrupts handlers and removes the socket file.
 */
public final class ControlSocketServer implements AutoCloseable {
    /** The socket's file name in the control directory. */
    public static final String SOCKET_NAME = "spe.sock";
    /** The socket's path inside the sandbox. */
    public static final String SANDBOX_SOCKET = SandboxLayout.CONTROL + "/" + SOCKET_NAME;
    /** The largest request accepted, in bytes (newline excluded). */
    public static final int MAX_REQUEST_BYTES = 1 << 20;
    /** How long a client may take to send its request. */
    public static final Duration REQUEST_READ_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ControlSocketServer.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final ControlHandler handler;
    private final long maxResponseBytes;
    private final ThreadPoolExecutor handlers;
    private final ScheduledExecutorService timeouts;
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlSocketServer(Path socketPath, ServerSocketChannel server, ControlHandler handler,
            long maxResponseBytes, int handlerThreads) {
        this.socketPath = socketPath;
        this.server = server;
        this.handler = handler;
        this.maxResponseBytes = maxResponseBytes;
        this.handlers = new ThreadPoolExecutor(handlerThreads, handlerThreads, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(handlerThreads * 4), runnable -> daemon(runnable, "spe-control-handler"));
        this.timeouts = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                runnable -> daemon(runnable, "spe-control-timeout"));
        this.acceptor = daemon(this::acceptLoop, "spe-control-acceptor");
    }

    /**
     * Listens on {@code <controlDirectory>/spe.sock}, replacing a stale socket file left there.
     * Returns once the socket accepts connections.
     *
     * @param controlDirectory the workspace's control directory (the sandbox spec's)
     * @param handler answers each request
     * @param maxResponseBytes the largest answer sent (UTF-8 bytes); bigger answers become an error
     * @param handlerThreads how many requests are handled at once (1–64)
     * @throws SpeException INVALID_INPUT when the directory is missing; INTERNAL when the socket
     *     cannot be made
     */
    public static ControlSocketServer start(Path controlDirectory, ControlHandler handler, long maxResponseBytes,
            int handlerThreads) {
        requireNonNull(controlDirectory, "controlDirectory is null");
        requireNonNull(handler, "handler is null");
        if (maxResponseBytes < 1024) {
            throw new IllegalArgumentException("maxResponseBytes must be at least 1024: " + maxResponseBytes);
        }
        if (handlerThreads < 1 || handlerThreads > 64) {
            throw new IllegalArgumentException("handlerThreads must be 1-64: " + handlerThreads);
        }
        if (!Files.isDirectory(controlDirectory, LinkOption.NOFOLLOW_LINKS)) {
            throw SpeException.invalid("control directory %s does not exist", controlDirectory);
        }
        Path socketPath = controlDirectory.resolve(SOCKET_NAME);
        try {
            // The directory is writable from the sandbox: whatever is there (a stale socket, a planted
            // link or file) is removed, never followed.
            Files.deleteIfExists(socketPath);
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.bind(UnixDomainSocketAddress.of(socketPath), 64);
                Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            ControlSocketServer server = new ControlSocketServer(socketPath, channel, handler, maxResponseBytes,
                    handlerThreads);
            server.acceptor.start();
            return server;
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "cannot listen on the control socket " + socketPath, e);
        }
    }

    /** The socket's host path. */
    public Path socketPath() {
        return socketPath;
    }

    /** Stops accepting, interrupts running handlers, removes the socket file. Idempotent; blocks briefly. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("closing the control socket failed", e);
        }
        handlers.shutdownNow();
        timeouts.shutdownNow();
        try {
            acceptor.join(5_000);
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socketPath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("accepting on the control socket {} failed", socketPath, e);
                }
                return;
            }
            try {
                handlers.execute(() -> serve(client));
            } catch (RejectedExecutionException e) {
                respondQuietly(client, SqlControlHandler.error(ErrorCategory.LIMIT_EXCEEDED, "busy, try again"));
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client) {
            ScheduledFuture<?> deadline = timeouts.schedule(() -> closeQuietly(client),
                    REQUEST_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String request;
            try {
                request = readRequest(client);
            } finally {
                deadline.cancel(false);
            }
            String answer;
            if (request == null) {
                answer = SqlControlHandler.error(ErrorCategory.LIMIT_EXCEEDED,
                        "request larger than " + MAX_REQUEST_BYTES + " bytes");
            } else {
                answer = answerOf(request);
            }
            write(client, answer);
        } catch (AsynchronousCloseException e) {
            LOG.debug("control connection closed while reading (timeout or shutdown)");
        } catch (IOException e) {
            LOG.debug("control connection failed", e);
        }
    }

    private String answerOf(String request) {
        String answer;
        try {
            answer = handler.handle(request);
        } catch (RuntimeException e) {
            LOG.error("control handler failed", e);
            return SqlControlHandler.error(ErrorCategory.INTERNAL, "internal error");
        }
        if (answer == null) {
            return SqlControlHandler.error(ErrorCategory.INTERNAL, "internal error");
        }
        if (answer.length() > maxResponseBytes / 3
                && answer.getBytes(StandardCharsets.UTF_8).length > maxResponseBytes) {
            return SqlControlHandler.error(ErrorCategory.LIMIT_EXCEEDED,
                    "the answer is larger than " + maxResponseBytes + " bytes; ask for fewer rows");
        }
        return answer;
    }

    /** The request line, or null when it is over {@link #MAX_REQUEST_BYTES}. */
    private static String readRequest(SocketChannel client) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (true) {
            buffer.clear();
            int read = client.read(buffer);
            if (read < 0) {
                break;
            }
            byte[] bytes = buffer.array();
            int newline = -1;
            for (int i = 0; i < read; i++) {
                if (bytes[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            int take = newline >= 0 ? newline : read;
            if (line.size() + take > MAX_REQUEST_BYTES) {
                return null;
            }
            line.write(bytes, 0, take);
            if (newline >= 0) {
                break;
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    private static void write(SocketChannel client, String answer) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    private static void respondQuietly(SocketChannel client, String answer) {
        try (client) {
            write(client, answer);
        } catch (IOException e) {
            LOG.debug("answering a control connection failed", e);
        }
    }

    private static void closeQuietly(SocketChannel client) {
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("closing a control connection failed", e);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name + "-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    }
}
