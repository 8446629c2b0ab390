package org.spe.workspace.desktop;

import java.time.Duration;
import java.util.Optional;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * A test's side of a desktop socket: a thread applies everything the desktop sends to a
 * {@link GuacamoleScreen}; {@link #send} types and moves the mouse as a browser would.
 */
final class DesktopClient implements AutoCloseable {
    final GuacamoleScreen screen = new GuacamoleScreen();
    private final GuacamoleSocket socket;
    private final Thread reader;
    private volatile Throwable failure;

    DesktopClient(GuacamoleSocket socket) {
        this.socket = socket;
        this.reader = new Thread(this::pump, "test-desktop-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    private void pump() {
        try {
            GuacamoleReader in = socket.getReader();
            GuacamoleInstruction instruction;
            while ((instruction = in.readInstruction()) != null) {
                screen.apply(Instruction.fromGuacamole(instruction));
            }
        } catch (GuacamoleException | RuntimeException e) {
            failure = e;
        }
    }

    void send(Instruction instruction) throws GuacamoleException {
        socket.getWriter().writeInstruction(instruction.toGuacamole());
    }

    void type(String text) throws GuacamoleException {
        for (Instruction key : Keysyms.type(text)) {
            send(key);
        }
    }

    /**
     * Points at (x, y) and types {@code text}, again (at most three times in all) while
     * {@code done} stays false for {@code each}: twm gives the focus to the window under the pointer
     * on its own time, so the first keys after a pointer move can reach no window. {@code text}
     * must be safe to run twice.
     *
     * @return whether {@code done} became true
     */
    boolean pointAndType(int x, int y, String text, java.util.function.BooleanSupplier done, Duration each)
            throws GuacamoleException, InterruptedException {
        send(Instruction.of("mouse", x, y, 0));
        for (int attempt = 0; attempt < 3; attempt++) {
            Thread.sleep(300);
            type(text);
            long deadline = System.nanoTime() + each.toNanos();
            while (System.nanoTime() < deadline) {
                if (done.getAsBoolean()) {
                    return true;
                }
                Thread.sleep(100);
            }
        }
        return done.getAsBoolean();
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    boolean readerEnded(Duration timeout) throws InterruptedException {
        reader.join(timeout.toMillis());
        return !reader.isAlive();
    }

    @Override
    public void close() throws GuacamoleException {
        socket.close();
    }
}
