package org.spe.workspace.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

class InstructionParserTest {
    @Test
    void parsesInstructionsSplitAtAnyCharacter() {
        String stream = "3.key,5.65307,1.1;5.mouse,2.10,2.20,1.0;4.sync,13.1733000000000;0.,4.ping,3.123;";
        for (int split = 0; split <= stream.length(); split++) {
            InstructionParser parser = new InstructionParser();
            parser.append(stream.substring(0, split));
            parser.append(stream.substring(split));
            assertThat(drain(parser)).containsExactly(
                    Instruction.of("key", 65307, 1), Instruction.of("mouse", 10, 20, 0),
                    Instruction.of("sync", "1733000000000"), Instruction.of("", "ping", 123));
            assertThat(parser.partial()).isFalse();
        }
    }

    @Test
    void lengthsCountCodePointsNotChars() {
        String text = "日本😀,;";
        Instruction instruction = Instruction.of("clipboard", text);
        assertThat(instruction.encode()).isEqualTo("9.clipboard,5." + text + ";");
        assertThat(InstructionParser.parseOne(instruction.encode())).isEqualTo(instruction);
    }

    @Test
    void emptyElementsAreAllowed() {
        assertThat(InstructionParser.parseOne("4.name,0.;")).isEqualTo(Instruction.of("name", ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x.key;", "3key;", ".key;", "3.key.", "3.key,1.1,", "3.keyX", "-1.a;", "3.key;;", "3.ke", "99999999.a;", "2.\uDC00a;", "2.\uD800a;"})
    void malformedInstructionsAreRefusedWithAClearError(String text) {
        assertThatThrownBy(() -> InstructionParser.parseOne(text))
                .isInstanceOf(SpeException.class)
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT))
                .hasMessageContaining("instruction");
    }

    @Test
    void oversizedElementsAndTooManyElementsAreRefusedBeforeTheyAreBuffered() {
        InstructionParser small = new InstructionParser(16, 4);
        assertThatThrownBy(() -> small.append("17."))
                .isInstanceOf(SpeException.class).hasMessageContaining("exceeds the limit of 16");
        InstructionParser few = new InstructionParser(16, 4);
        assertThatThrownBy(() -> few.append("1.a,1.b,1.c,1.d,1.e;"))
                .isInstanceOf(SpeException.class).hasMessageContaining("more than 4 elements");
        InstructionParser digits = new InstructionParser();
        assertThatThrownBy(() -> digits.append("0000000000000001.a;"))
                .isInstanceOf(SpeException.class).hasMessageContaining("more digits");
    }

    @Test
    void aParserRefusesEverythingAfterAnError() {
        InstructionParser parser = new InstructionParser();
        assertThatThrownBy(() -> parser.append("3.key,x")).isInstanceOf(SpeException.class);
        assertThatThrownBy(() -> parser.append("4.sync,1.1;")).isInstanceOf(SpeException.class).hasMessageContaining("unusable");
    }

    /** Random well-formed streams round-trip; random mutations either parse or fail cleanly, never otherwise. */
    @Test
    void fuzzedStreamsParseOrFailCleanly() {
        Random random = new Random(20261204);
        for (int round = 0; round < 2_000; round++) {
            List<Instruction> instructions = new ArrayList<>();
            StringBuilder stream = new StringBuilder();
            for (int i = 0, n = 1 + random.nextInt(5); i < n; i++) {
                Instruction instruction = randomInstruction(random);
                instructions.add(instruction);
                stream.append(instruction.encode());
            }
            InstructionParser parser = new InstructionParser();
            int at = 0;
            while (at < stream.length()) {
                int next = Math.min(stream.length(), at + 1 + random.nextInt(20));
                parser.append(stream.substring(at, next));
                at = next;
            }
            assertThat(drain(parser)).isEqualTo(instructions);

            char[] mutated = stream.toString().toCharArray();
            for (int m = 0, count = 1 + random.nextInt(3); m < count; m++) {
                mutated[random.nextInt(mutated.length)] = (char) (random.nextBoolean() ? random.nextInt(128) : random.nextInt(0x10000));
            }
            InstructionParser fuzzed = new InstructionParser(1024, 16);
            try {
                fuzzed.append(mutated, 0, mutated.length);
                List<Instruction> parsed = drain(fuzzed);
                assertThat(parsed.size()).isLessThanOrEqualTo(mutated.length);
                for (Instruction instruction : parsed) {
                    assertThat(instruction.arguments().size()).isLessThan(16);
                }
            } catch (SpeException e) {
                assertThat(e.category()).isEqualTo(ErrorCategory.INVALID_INPUT);
                assertThat(e.getMessage()).startsWith("Malformed Guacamole instruction");
            }
        }
    }

    @Test
    void aHugeLengthIsRefusedWithoutAllocating() {
        InstructionParser parser = new InstructionParser();
        assertThatThrownBy(() -> parser.append("99999.")).isInstanceOf(SpeException.class).hasMessageContaining("exceeds the limit");
    }

    private static Instruction randomInstruction(Random random) {
        String[] opcodes = {"key", "mouse", "sync", "size", "clipboard", "blob", "end", "img", ""};
        List<String> arguments = new ArrayList<>();
        for (int i = 0, n = random.nextInt(6); i < n; i++) {
            StringBuilder value = new StringBuilder();
            for (int c = 0, length = random.nextInt(12); c < length; c++) {
                int kind = random.nextInt(10);
                if (kind == 0) {
                    value.appendCodePoint(0x1F600 + random.nextInt(50));
                } else if (kind == 1) {
                    value.append(",;.");
                } else {
                    value.append((char) (0x20 + random.nextInt(0x5f)));
                }
            }
            arguments.add(value.toString());
        }
        return new Instruction(opcodes[random.nextInt(opcodes.length)], arguments);
    }

    private static List<Instruction> drain(InstructionParser parser) {
        List<Instruction> out = new ArrayList<>();
        Optional<Instruction> next;
        while ((next = parser.next()).isPresent()) {
            out.add(next.get());
        }
        return out;
    }
}
