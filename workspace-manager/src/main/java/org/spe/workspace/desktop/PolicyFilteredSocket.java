package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.protocol.FilteredGuacamoleReader;
import org.apache.guacamole.protocol.FilteredGuacamoleWriter;
import org.apache.guacamole.protocol.GuacamoleFilter;

/**
 * A {@link GuacamoleSocket} decorator that enforces the {@link DesktopPolicy} on every connection,
 * embedded gateway and guacd alike: file transfer ({@code file}, {@code pipe}, {@code put},
 * {@code get}, {@code filesystem}, {@code body}; printing arrives as a {@code file} stream too) is
 * dropped in both directions, and so is the clipboard unless the policy allows that direction.
 * The {@code blob} and {@code end} instructions of a dropped stream are dropped with it. Each
 * dropped stream is reported once to the listener (which audits it).
 *
 * <p>Thread-safe as far as the wrapped socket is: one reader thread, writers serialised by the tunnel.
 */
public final class PolicyFilteredSocket implements GuacamoleSocket {
    /** Opcodes that open a transfer stream or expose a filesystem; never allowed. */
    private static final Set<String> TRANSFER = Set.of("file", "pipe", "put", "get", "filesystem", "body", "argv");

    private final GuacamoleSocket socket;
    private final DesktopPolicy policy;
    private final Consumer<DroppedInstruction> listener;
    private final Map<DroppedInstruction.Direction, Set<String>> droppedStreams = Map.of(
            DroppedInstruction.Direction.TO_DESKTOP, ConcurrentHashMap.newKeySet(),
            DroppedInstruction.Direction.TO_BROWSER, ConcurrentHashMap.newKeySet());
    private final GuacamoleReader reader;
    private final GuacamoleWriter writer;

    public PolicyFilteredSocket(GuacamoleSocket socket, DesktopPolicy policy, Consumer<DroppedInstruction> listener) {
        this.socket = requireNonNull(socket, "socket is null");
        this.policy = requireNonNull(policy, "policy is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.reader = new FilteredGuacamoleReader(socket.getReader(), filter(DroppedInstruction.Direction.TO_BROWSER));
        this.writer = new FilteredGuacamoleWriter(socket.getWriter(), filter(DroppedInstruction.Direction.TO_DESKTOP));
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

    @Override
    public void close() throws GuacamoleException {
        socket.close();
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    private GuacamoleFilter filter(DroppedInstruction.Direction direction) {
        Set<String> dropped = droppedStreams.get(direction);
        return instruction -> {
            String opcode = instruction.getOpcode();
            if (opcode.equals("blob") || opcode.equals("end")) {
                if (!instruction.getArgs().isEmpty() && dropped.contains(instruction.getArgs().get(0))) {
                    if (opcode.equals("end")) {
                        dropped.remove(instruction.getArgs().get(0));
                    }
                    return null;
                }
                return instruction;
            }
            String reason = reason(direction, opcode);
            if (reason == null) {
                return instruction;
            }
            int stream = streamArgument(opcode);
            if (stream >= 0 && instruction.getArgs().size() > stream) {
                dropped.add(instruction.getArgs().get(stream));
            }
            listener.accept(new DroppedInstruction(direction, opcode, reason));
            return null;
        };
    }

    private String reason(DroppedInstruction.Direction direction, String opcode) {
        if (TRANSFER.contains(opcode)) {
            return "file transfer, drives and printing are not allowed on workspace desktops";
        }
        if (opcode.equals("clipboard")) {
            boolean allowed = direction == DroppedInstruction.Direction.TO_DESKTOP ? policy.clipboardToDesktop() : policy.clipboardFromDesktop();
            return allowed ? null : direction == DroppedInstruction.Direction.TO_DESKTOP
                    ? "pasting into the desktop is not allowed for this permit"
                    : "copying out of the desktop is not allowed for this permit";
        }
        return null;
    }

    /** Which argument names the stream an opcode opens, or -1 when it opens none. */
    private static int streamArgument(String opcode) {
        return switch (opcode) {
            case "put", "body" -> 1;
            case "clipboard", "file", "pipe", "argv" -> 0;
            default -> -1;
        };
    }
}
