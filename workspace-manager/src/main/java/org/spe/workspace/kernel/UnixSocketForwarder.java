package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards an ephemeral TCP port on {@code 127.0.0.1} to a Unix-domain socket, byte for byte, so
 * clients that cannot dial a Unix socket (the JDK's HttpClient) can reach a server that listens
 * on one (jupyter-server inside a sandbox). Each accepted connection gets its own connection to
 * the socket and two pump threads. Any local process can connect to the port; the server behind
 * it still demands its token. Only a real socket is dialled, never a symbolic link.
 *
 * <p>Thread-safe. {@link #close()} stops accepting and closes every open connection.
 */
public final class UnixSocketForwarder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UnixSocketForwarder.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final int id = COUNTER.incrementAndGet();
    private volatile boolean closed;

    private UnixSocketForwarder(Path socketPath, ServerSocketChannel server) {
        this.socketPath = socketPath;
        this.server = server;
    }

    /**
     * Binds an ephemeral port on {@code 127.0.0.1} and starts accepting. The socket need not exist
     * yet: each connection dials it when accepted, and is closed at once if that fails.
     *
     * @throws UncheckedIOException if no port can be bound
     */
    public static UnixSocketForwarder start(Path socketPath) {
        requireNonNull(socketPath, "socketPath is null");
        ServerSocketChannel server;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.INET);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port to forward to " + socketPath, e);
        }
        UnixSocketForwarder forwarder = new UnixSocketForwarder(socketPath, server);
        Thread acceptor = new Thread(forwarder::acceptLoop, "spe-forwarder-" + forwarder.id + "-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return forwarder;
    }

    /** The local TCP port clients connect to. */
    public int port() {
        return ((InetSocketAddress) localAddress()).getPort();
    }

    /** The Unix socket connections are forwarded to. */
    public Path socketPath() {
        return socketPath;
    }

    /** How many forwarded connections are open (each counted once). */
    public int openConnections() {
        return open.size() / 2;
    }

    /**
     * Closes every open forwarded connection, both sides, as a network failure would; the
     * forwarder keeps accepting new ones. Used when a workspace's clients must be cut off, and by
     * tests of reconnection.
     */
    public void closeConnections() {
        log.debug("forwarder to {} closes {} channels", socketPath, open.size());
        for (SocketChannel channel : List.copyOf(open)) {
            closeQuietly(channel);
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        closeConnections();
    }

    private SocketAddress localAddress() {
        try {
            return server.getLocalAddress();
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
                    log.warn("forwarder to {} stopped accepting", socketPath, e);
                }
                return;
            }
            log.debug("forwarder to {} accepts {}", socketPath, client);
            if (!isSocketNotLink()) {
                closeQuietly(client);
                continue;
            }
            SocketChannel upstream;
            try {
                upstream = SocketChannel.open(UnixDomainSocketAddress.of(socketPath));
            } catch (IOException e) {
                log.debug("forwarder cannot reach {}: {}", socketPath, e.toString());
                closeQuietly(client);
                continue;
            }
            open.add(client);
            open.add(upstream);
            if (closed) {
                closeQuietly(client);
                closeQuietly(upstream);
                return;
            }
            AtomicInteger directions = new AtomicInteger(2);
            pump(client, upstream, directions, "up");
            pump(upstream, client, directions, "down");
        }
    }

    /**
     * The socket lives in a directory the sandbox can write, so code inside could replace it with
     * a symbolic link to a socket of the host; connecting would follow it. Refuse anything but a
     * socket. (A swap between this check and the connect remains possible; the platform's requests
     * carry nothing but the gateway token, which the sandbox can read anyway.)
     */
    private boolean isSocketNotLink() {
        try {
            BasicFileAttributes attributes = Files.readAttributes(socketPath, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!attributes.isOther()) {
                log.warn("forwarder refuses {}: not a socket (a symbolic link or another file)", socketPath);
                return false;
            }
            return true;
        } catch (IOException e) {
            // Not there (yet): the server has not bound it.
            log.debug("forwarder cannot reach {}: {}", socketPath, e.toString());
            return false;
        }
    }

    private void pump(SocketChannel from, SocketChannel to, AtomicInteger directions, String direction) {
        Thread thread = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            boolean failed = false;
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
                // Half-close: pass the end of stream on and let the other direction finish.
                to.shutdownOutput();
            } catch (IOException e) {
                // One side went away, or closeConnections cut it.
                failed = true;
            } finally {
                log.debug("forwarder pump {} of {} ends (failed: {})", direction, from, failed);
                if (failed || directions.decrementAndGet() == 0) {
                    closeQuietly(from);
                    closeQuietly(to);
                    open.remove(from);
                    open.remove(to);
                }
            }
        }, "spe-forwarder-" + id + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is best effort.
        }
    }
}
