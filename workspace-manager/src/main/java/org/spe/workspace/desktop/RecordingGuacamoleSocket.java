package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleSocket;
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
    /** The browser's input, read only for its pointer positions; guarded by itself. */
    private final InstructionParser input = new InstructionParser();
    private boolean inputUnreadable;

    public RecordingGuacamoleSocket(GuacamoleSocket socket, RecordingSink recording) {
        this.socket = requireNonNull(socket, "socket is null");
        this.recording = requireNonNull(recording, "recording is null");
        GuacamoleWriter innerWriter = socket.getWriter();
        this.writer = new GuacamoleWriter() {
            @Override
            public void write(char[] chunk, int offset, int length) throws GuacamoleException {
                innerWriter.write(chunk, offset, length);
                recordPointer(chunk, offset, length);
            }

            @Override
            public void write(char[] chunk) throws GuacamoleException {
                write(chunk, 0, chunk.length);
            }

            @Override
            public void writeInstruction(GuacamoleInstruction instruction) throws GuacamoleException {
                write(instruction.toString().toCharArray());
            }
        };
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
     * Adds the pointer positions of the browser's {@code mouse} instructions in {@code chunk} to the
     * recording. Input the parser cannot read is the wrapped socket's to refuse; from then on no
     * more positions are recorded.
     */
    private void recordPointer(char[] chunk, int offset, int length) {
        synchronized (input) {
            if (inputUnreadable || closed.get()) {
                return;
            }
            try {
                input.append(chunk, offset, length);
                java.util.Optional<Instruction> next;
                while ((next = input.next()).isPresent()) {
                    Instruction instruction = next.get();
                    if (instruction.opcode().equals("mouse")) {
                        recording.append(Instruction.of("mouse", instruction.intArgument(0), instruction.intArgument(1)).encode());
                    }
                }
            } catch (org.spe.core.SpeException e) {
                inputUnreadable = true;
            }
        }
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
