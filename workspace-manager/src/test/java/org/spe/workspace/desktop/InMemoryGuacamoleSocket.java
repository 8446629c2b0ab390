package org.spe.workspace.desktop;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/** A hand-written socket double: reads from a script of instructions, keeps what is written. */
final class InMemoryGuacamoleSocket implements GuacamoleSocket {
    private final Deque<Instruction> toRead = new ArrayDeque<>();
    final List<Instruction> written = new ArrayList<>();
    private final InstructionParser parser = new InstructionParser();
    boolean open = true;

    InMemoryGuacamoleSocket(List<Instruction> script) {
        toRead.addAll(script);
    }

    @Override
    public GuacamoleReader getReader() {
        return new GuacamoleReader() {
            @Override
            public boolean available() {
                return !toRead.isEmpty();
            }

            @Override
            public char[] read() {
                Instruction next = toRead.poll();
                return next == null ? null : next.encode().toCharArray();
            }

            @Override
            public GuacamoleInstruction readInstruction() {
                Instruction next = toRead.poll();
                return next == null ? null : next.toGuacamole();
            }
        };
    }

    @Override
    public GuacamoleWriter getWriter() {
        return new GuacamoleWriter() {
            @Override
            public void write(char[] chunk, int offset, int length) {
                parser.append(chunk, offset, length);
                Optional<Instruction> next;
                while ((next = parser.next()).isPresent()) {
                    written.add(next.get());
                }
            }

            @Override
            public void write(char[] chunk) {
                write(chunk, 0, chunk.length);
            }

            @Override
            public void writeInstruction(GuacamoleInstruction instruction) {
                write(instruction.toString().toCharArray());
            }
        };
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
