package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.guacamole.protocol.GuacamoleInstruction;

/**
 * One Guacamole protocol instruction: an opcode and its arguments, each sent as
 * {@code LENGTH.VALUE} where the length counts Unicode code points, separated by commas and ended
 * by a semicolon ({@code 3.key,5.65307,1.1;}). An immutable value; thread-safe.
 *
 * @param opcode the opcode; the empty opcode is the tunnel's internal instruction
 * @param arguments the arguments, copied
 */
public record Instruction(String opcode, List<String> arguments) {
    public Instruction {
        requireNonNull(opcode, "opcode is null");
        arguments = List.copyOf(requireNonNull(arguments, "arguments is null"));
    }

    /** An instruction of {@code opcode} with {@code arguments}. */
    public static Instruction of(String opcode, Object... arguments) {
        String[] values = new String[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            values[i] = String.valueOf(requireNonNull(arguments[i], "argument is null"));
        }
        return new Instruction(opcode, List.of(values));
    }

    /** The argument at {@code index}, or an INVALID_INPUT error naming the opcode if it is missing. */
    public String argument(int index) {
        if (index >= arguments.size()) {
            throw org.spe.core.SpeException.invalid("Instruction '%s' needs at least %d arguments", opcode, index + 1);
        }
        return arguments.get(index);
    }

    /** The argument at {@code index} as an integer; INVALID_INPUT if missing or not an integer. */
    public int intArgument(int index) {
        String value = argument(index);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw org.spe.core.SpeException.invalid("Argument %d of instruction '%s' is not an integer", index, opcode);
        }
    }

    /** The protocol form, e.g. {@code 4.sync,3.100;}. */
    public String encode() {
        StringBuilder out = new StringBuilder(16 + opcode.length());
        append(out, opcode);
        for (String argument : arguments) {
            out.append(',');
            append(out, argument);
        }
        return out.append(';').toString();
    }

    /** The same instruction as guacamole-common's type. */
    public GuacamoleInstruction toGuacamole() {
        return new GuacamoleInstruction(opcode, arguments);
    }

    /** guacamole-common's instruction as this value type. */
    public static Instruction fromGuacamole(GuacamoleInstruction instruction) {
        return new Instruction(instruction.getOpcode(), instruction.getArgs());
    }

    private static void append(StringBuilder out, String element) {
        out.append(element.codePointCount(0, element.length())).append('.').append(element);
    }

    @Override
    public String toString() {
        return encode();
    }
}
