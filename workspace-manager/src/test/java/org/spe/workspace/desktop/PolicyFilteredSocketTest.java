package org.spe.workspace.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.GuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.Test;

class PolicyFilteredSocketTest {
    private final List<DroppedInstruction> dropped = new ArrayList<>();

    @Test
    void clipboardIsDroppedBothWaysByDefaultWithItsBlobsAndEachDropIsReported() throws GuacamoleException {
        InMemoryGuacamoleSocket inner = new InMemoryGuacamoleSocket(List.of(
                Instruction.of("clipboard", 3, "text/plain"), Instruction.of("blob", 3, "c2VjcmV0"), Instruction.of("end", 3),
                Instruction.of("img", 4, 14, 0, "image/png", 0, 0), Instruction.of("blob", 4, "iVBO"), Instruction.of("end", 4),
                Instruction.of("sync", 1)));
        PolicyFilteredSocket socket = new PolicyFilteredSocket(inner, DesktopPolicy.NO_CLIPBOARD, dropped::add);

        assertThat(readAll(socket)).containsExactly(Instruction.of("img", 4, 14, 0, "image/png", 0, 0), Instruction.of("blob", 4, "iVBO"),
                Instruction.of("end", 4), Instruction.of("sync", 1));
        socket.getWriter().write("9.clipboard,1.1,10.text/plain;4.blob,1.1,8.aGVsbG8=;3.end,1.1;3.key,5.65307,1.1;".toCharArray());
        assertThat(inner.written).containsExactly(Instruction.of("key", 65307, 1));
        assertThat(dropped).containsExactly(
                new DroppedInstruction(DroppedInstruction.Direction.TO_BROWSER, "clipboard", "copying out of the desktop is not allowed for this permit"),
                new DroppedInstruction(DroppedInstruction.Direction.TO_DESKTOP, "clipboard", "pasting into the desktop is not allowed for this permit"));
    }

    @Test
    void aPermitMayAllowPastingInWhileCopyingOutStaysOff() throws GuacamoleException {
        InMemoryGuacamoleSocket inner = new InMemoryGuacamoleSocket(List.of(Instruction.of("clipboard", 3, "text/plain"), Instruction.of("end", 3)));
        PolicyFilteredSocket socket = new PolicyFilteredSocket(inner, new DesktopPolicy(true, false), dropped::add);
        socket.getWriter().writeInstruction(new GuacamoleInstruction("clipboard", "1", "text/plain"));
        assertThat(inner.written).containsExactly(Instruction.of("clipboard", 1, "text/plain"));
        assertThat(readAll(socket)).isEmpty();
        assertThat(dropped).extracting(DroppedInstruction::direction).containsExactly(DroppedInstruction.Direction.TO_BROWSER);
    }

    @Test
    void fileTransferDrivesAndPrintingNeverPassEvenWithTheClipboardAllowed() throws GuacamoleException {
        InMemoryGuacamoleSocket inner = new InMemoryGuacamoleSocket(List.of(
                Instruction.of("file", 5, "application/pdf", "print.pdf"), Instruction.of("blob", 5, "JVBERi0="), Instruction.of("end", 5),
                Instruction.of("filesystem", 0, "Shared Drive"), Instruction.of("body", 0, 6, "text/plain", "/a"), Instruction.of("blob", 6, "eA=="),
                Instruction.of("end", 6), Instruction.of("sync", 9)));
        PolicyFilteredSocket socket = new PolicyFilteredSocket(inner, new DesktopPolicy(true, true), dropped::add);
        assertThat(readAll(socket)).containsExactly(Instruction.of("sync", 9));
        socket.getWriter().write("4.file,1.7,10.text/plain,5.a.csv;4.blob,1.7,4.eA==;3.end,1.7;3.put,1.0,1.8,10.text/plain,2./x;3.get,1.0,2./x;".toCharArray());
        assertThat(inner.written).isEmpty();
        assertThat(dropped).extracting(DroppedInstruction::opcode).containsExactly("file", "filesystem", "body", "file", "put", "get");
    }

    @Test
    void theRecordingHoldsWhatTheBrowserSawAndWhereItsPointerWentButNoKeys() throws GuacamoleException {
        InMemoryGuacamoleSocket inner = new InMemoryGuacamoleSocket(List.of(Instruction.of("size", 0, 640, 480), Instruction.of("sync", 5)));
        StringBuilder recorded = new StringBuilder();
        RecordingGuacamoleSocket socket = new RecordingGuacamoleSocket(inner, new RecordingSink() {
            @Override
            public void append(CharSequence protocol) {
                recorded.append(protocol);
            }

            @Override
            public void close() {
            }
        });
        // a position and a key in one write, then another position
        socket.getWriter().write("5.mouse,2.10,2.20,1.1;3.key,5.65307,1.1;".toCharArray());
        socket.getWriter().writeInstruction(new GuacamoleInstruction("mouse", "11", "21", "0"));
        assertThat(inner.written).containsExactly(Instruction.of("mouse", 10, 20, 1), Instruction.of("key", 65307, 1), Instruction.of("mouse", 11, 21, 0));
        // a position that is not one reaches the socket behind, which decides, and is not recorded; the next one is
        socket.getWriter().write("5.mouse,1.x,1.1,1.0;5.mouse,2.12,2.22,1.0;".toCharArray());
        assertThat(inner.written).hasSize(5);
        // like every filter of the chain, the recorder takes whole instructions only: a cut one is refused and passes nothing
        assertThatThrownBy(() -> socket.getWriter().write("5.mouse,2.13,".toCharArray())).isInstanceOf(GuacamoleException.class);
        assertThat(inner.written).hasSize(5);

        assertThat(readAll(socket)).containsExactly(Instruction.of("size", 0, 640, 480), Instruction.of("sync", 5));
        assertThat(recorded.toString()).isEqualTo("5.mouse,2.10,2.20;5.mouse,2.11,2.21;5.mouse,2.12,2.22;4.size,1.0,3.640,3.480;4.sync,1.5;");
    }

    @Test
    void overridesEveryMethodOfTheSocketInterface() throws NoSuchMethodException {
        for (Method method : GuacamoleSocket.class.getMethods()) {
            assertThat(PolicyFilteredSocket.class.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass())
                    .as(method.getName()).isEqualTo(PolicyFilteredSocket.class);
            assertThat(RecordingGuacamoleSocket.class.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass())
                    .as(method.getName()).isEqualTo(RecordingGuacamoleSocket.class);
        }
    }

    static List<Instruction> readAll(GuacamoleSocket socket) throws GuacamoleException {
        List<Instruction> out = new ArrayList<>();
        GuacamoleInstruction next;
        while ((next = socket.getReader().readInstruction()) != null) {
            out.add(Instruction.fromGuacamole(next));
        }
        return out;
    }
}
