package org.spe.workspace.desktop;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.spe.core.SpeException;

/**
 * An incremental, strict parser of the Guacamole protocol: feed it characters as they arrive in
 * any chunking, take complete {@link Instruction}s out. Anything that is not exactly
 * {@code LENGTH.VALUE(,LENGTH.VALUE)*;} is refused with an INVALID_INPUT {@link SpeException}
 * naming the problem: a non-digit length, a length with more digits than any allowed element, an
 * element longer than {@link #maxElementCodePoints()}, more than {@link #maxElements()} elements,
 * a wrong separator. After an error the parser is poisoned and refuses everything (the stream
 * cannot be resynchronised; the connection must close). Lengths count Unicode code points, so a
 * surrogate pair counts once.
 *
 * <p>Not thread-safe; one parser per direction of one connection.
 */
public final class InstructionParser {
    /** Limits of guacd itself: 8192-character instructions, 64 elements; blobs stay well below. */
    public static final int DEFAULT_MAX_ELEMENT_CODE_POINTS = 64 * 1024;
    public static final int DEFAULT_MAX_ELEMENTS = 128;

    private enum State { LENGTH, VALUE, SEPARATOR }

    private final int maxElementCodePoints;
    private final int maxElements;
    private final int maxLengthDigits;
    private final List<Instruction> ready = new ArrayList<>();
    private final List<String> elements = new ArrayList<>();
    private final StringBuilder value = new StringBuilder();
    private State state = State.LENGTH;
    private long length;
    private int lengthDigits;
    private int remaining;
    private char pendingHighSurrogate;
    private String poisoned;

    /** A parser with the default limits. */
    public InstructionParser() {
        this(DEFAULT_MAX_ELEMENT_CODE_POINTS, DEFAULT_MAX_ELEMENTS);
    }

    public InstructionParser(int maxElementCodePoints, int maxElements) {
        if (maxElementCodePoints < 1 || maxElements < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxElementCodePoints = maxElementCodePoints;
        this.maxElements = maxElements;
        this.maxLengthDigits = String.valueOf(maxElementCodePoints).length();
    }

    public int maxElementCodePoints() {
        return maxElementCodePoints;
    }

    public int maxElements() {
        return maxElements;
    }

    /** Feeds all of {@code text}; complete instructions become available through {@link #next()}. */
    public void append(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            append(text.charAt(i));
        }
    }

    /** Feeds {@code length} characters of {@code chunk} from {@code offset}. */
    public void append(char[] chunk, int offset, int length) {
        for (int i = offset; i < offset + length; i++) {
            append(chunk[i]);
        }
    }

    /** The next complete instruction, if one has been parsed. */
    public Optional<Instruction> next() {
        return ready.isEmpty() ? Optional.empty() : Optional.of(ready.remove(0));
    }

    /** Whether a partial instruction is buffered (the stream ended mid-instruction if so). */
    public boolean partial() {
        return state != State.LENGTH || lengthDigits > 0 || !elements.isEmpty();
    }

    /** Parses exactly one whole instruction from {@code text}; INVALID_INPUT otherwise. */
    public static Instruction parseOne(String text) {
        InstructionParser parser = new InstructionParser();
        parser.append(text);
        Optional<Instruction> instruction = parser.next();
        if (instruction.isEmpty() || parser.partial() || parser.next().isPresent()) {
            throw SpeException.invalid("Expected exactly one complete Guacamole instruction");
        }
        return instruction.get();
    }

    private void append(char c) {
        if (poisoned != null) {
            throw SpeException.invalid("The instruction stream is unusable after an earlier error: %s", poisoned);
        }
        switch (state) {
            case LENGTH -> length(c);
            case VALUE -> value(c);
            case SEPARATOR -> separator(c);
        }
    }

    private void length(char c) {
        if (c >= '0' && c <= '9') {
            if (++lengthDigits > maxLengthDigits) {
                fail("an element length has more digits than the largest allowed element (" + maxElementCodePoints + ")");
            }
            length = length * 10 + (c - '0');
            return;
        }
        if (c != '.') {
            fail("expected a digit or '.' in an element length, found " + describe(c));
        }
        if (lengthDigits == 0) {
            fail("an element has no length before '.'");
        }
        if (length > maxElementCodePoints) {
            fail("an element of " + length + " code points exceeds the limit of " + maxElementCodePoints);
        }
        if (elements.size() >= maxElements) {
            fail("an instruction has more than " + maxElements + " elements");
        }
        remaining = (int) length;
        length = 0;
        lengthDigits = 0;
        value.setLength(0);
        state = remaining == 0 ? State.SEPARATOR : State.VALUE;
        if (remaining == 0) {
            elements.add("");
        }
    }

    private void value(char c) {
        boolean low = Character.isLowSurrogate(c);
        if (pendingHighSurrogate != 0 && !low) {
            fail("a lone high surrogate in an element");
        }
        if (pendingHighSurrogate == 0 && low) {
            fail("a lone low surrogate in an element");
        }
        value.append(c);
        if (Character.isHighSurrogate(c)) {
            pendingHighSurrogate = c;
            return;
        }
        pendingHighSurrogate = 0;
        if (--remaining == 0) {
            elements.add(value.toString());
            value.setLength(0);
            state = State.SEPARATOR;
        }
    }

    private void separator(char c) {
        if (c == ',') {
            state = State.LENGTH;
        } else if (c == ';') {
            ready.add(new Instruction(elements.get(0), elements.subList(1, elements.size())));
            elements.clear();
            state = State.LENGTH;
        } else {
            fail("expected ',' or ';' after an element, found " + describe(c));
        }
    }

    private void fail(String why) {
        poisoned = why;
        elements.clear();
        value.setLength(0);
        throw SpeException.invalid("Malformed Guacamole instruction: %s", why);
    }

    private static String describe(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
