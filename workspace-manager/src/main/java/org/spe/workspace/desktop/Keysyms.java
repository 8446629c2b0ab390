package org.spe.workspace.desktop;

import java.util.ArrayList;
import java.util.List;

/** X11 keysyms for typing text through {@code key} instructions (the benchmark and tests type this way). */
public final class Keysyms {
    public static final int RETURN = 0xff0d;
    public static final int BACKSPACE = 0xff08;

    private Keysyms() {}

    /** The keysym of one character: Latin-1 characters are their own keysym, newline is Return. */
    public static int of(char c) {
        if (c == '\n' || c == '\r') {
            return RETURN;
        }
        if (c == '\b') {
            return BACKSPACE;
        }
        if (c >= 0x20 && c <= 0xff) {
            return c;
        }
        return 0x01000000 | c; // Unicode keysyms
    }

    /** Press and release instructions that type {@code text}. */
    public static List<Instruction> type(String text) {
        List<Instruction> keys = new ArrayList<>();
        for (char c : text.toCharArray()) {
            keys.add(Instruction.of("key", of(c), 1));
            keys.add(Instruction.of("key", of(c), 0));
        }
        return keys;
    }
}
