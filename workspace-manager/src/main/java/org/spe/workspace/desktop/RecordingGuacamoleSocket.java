package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.protocol.FilteredGuacamoleWriter;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * A {@link GuacamoleSocket} decorator that records the session: everything the browser receives
 * is appended, as read, to a {@link RecordingSink}. That is the Guacamole session-recording
 * format guacd writes (the protocol stream, its {@code sync} instructions carrying the
 * timestamps), so the Guacamole JavaScript client's {@code SessionRecording} replays it with a
 * timeline. Put it outside the {@link PolicyFilteredSocket}, so the recording shows what the
 * researcher saw. The browser draws its own pointer, so, as guacd does, the pointer's positions
 * from the browser's {@code mouse} instructions are added to the recording as {@code mouse,X,Y}:
 * the player shows where the researcher pointed and clicked. Nothing else the browser sends is
 * recorded (keys are visible in their effect). Closing the socket completes the recording.
 *
 * <p>Thread-safe as far as the wrapped socket is.
 */
public final class RecordingGuacamoleSocket implements GuacamoleSocket {
    private final GuacamoleSocket socket;
    private final RecordingSink recording;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final GuacamoleReader reader;
    private final GuacamoleWriter writer;

    public RecordingGuacamoleSocket(GuacamoleSocket socket, RecordingSink recording) {
        this.socket = requireNonNull(socket, "socket is null");
        this.recording = requireNonNull(recording, "recording is null");
        // guacamole-common's filtered writer parses the browser's writes (each whole instructions, as
        // the tunnel sends them) and passes every instruction on unchanged after recordPointer saw it
        this.writer = new FilteredGuacamoleWriter(socket.getWriter(), this::recordPointer);
        GuacamoleReader inner = socket.getReader();
        this.reader = new GuacamoleReader() {
            @Override
            public boolean available() throws GuacamoleException {
                return inner.available();
            }

            @Override
            public char[] read() throws GuacamoleException {
                char[] chunk = inner.read();
                if (chunk == null) {
                    finish();
                } else {
                    recording.append(java.nio.CharBuffer.wrap(chunk));
                }
                return chunk;
            }

            @Override
            public GuacamoleInstruction readInstruction() throws GuacamoleException {
                GuacamoleInstruction instruction = inner.readInstruction();
                if (instruction == null) {
                    finish();
                } else {
                    recording.append(instruction.toString());
                }
                return instruction;
            }
        };
    }

    @Override
    public String getProtocol() {
        return socket.getProtocol();
    }

    @Override
    public GuacamoleReader getReader() {
        return reader;
    }

    @Override
    public GuacamoleWriter getWriter() {
        return writer;
    }

    /**
     * Adds the position of a browser's {@code mouse} instruction to the recording, as
     * {@code mouse,X,Y}; answers every instruction unchanged. A position that is not a pair of
     * integers is not recorded (the socket behind refuses it).
     */
    private GuacamoleInstruction recordPointer(GuacamoleInstruction instruction) {
        List<String> arguments = instruction.getArgs();
        if (instruction.getOpcode().equals("mouse") && arguments.size() >= 2) {
            try {
                recording.append(Instruction.of("mouse", Integer.parseInt(arguments.get(0)), Integer.parseInt(arguments.get(1))).encode());
            } catch (NumberFormatException e) {
                // not a position: nothing to record
            }
        }
        return instruction;
    }

    /** Closes the socket and completes the recording. */
    @Override
    public void close() throws GuacamoleException {
        try {
            socket.close();
        } finally {
            finish();
        }
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    private void finish() {
        if (closed.compareAndSet(false, true)) {
            recording.close();
        }
    }
}
