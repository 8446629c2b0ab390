package org.spe.workspace.kernel;

import java.util.List;

/**
 * Caps the output of one execution at a number of UTF-8 bytes. Output within the cap passes; a
 * stream that crosses it is cut at the cap; everything after is dropped, and a single
 * {@link KernelOutput.Truncated} marker is emitted where dropping began. One instance per
 * execution; not thread-safe.
 */
final class OutputLimiter {
    private final long limitBytes;
    private long usedBytes;
    private boolean truncated;

    OutputLimiter(long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("limitBytes is negative: " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** What of {@code output} to deliver: itself, a cut stream and the marker, the marker alone, or nothing. */
    List<KernelOutput> admit(KernelOutput output) {
        if (truncated) {
            return List.of();
        }
        long remaining = limitBytes - usedBytes;
        long size = sizeBytes(output, remaining + 1);
        if (size <= remaining) {
            usedBytes += size;
            return List.of(output);
        }
        if (output instanceof KernelOutput.Stream stream && remaining > 0) {
            String kept = utf8Prefix(stream.text(), remaining);
            usedBytes += utf8Length(kept, Long.MAX_VALUE);
            return List.of(new KernelOutput.Stream(stream.name(), kept), markTruncated());
        }
        return List.of(markTruncated());
    }

    /** Output that was dropped before it could be parsed (an oversized message): the marker, once. */
    List<KernelOutput> dropUnparsed() {
        return truncated ? List.of() : List.of(markTruncated());
    }

    boolean truncated() {
        return truncated;
    }

    private KernelOutput markTruncated() {
        truncated = true;
        return new KernelOutput.Truncated(limitBytes);
    }

    /** Size of the output in UTF-8 bytes, counted no further than {@code atMost}. */
    private static long sizeBytes(KernelOutput output, long atMost) {
        // Java 17 has no pattern switch; the interface is sealed, so this chain is complete.
        if (output instanceof KernelOutput.Stream stream) {
            return utf8Length(stream.text(), atMost);
        } else if (output instanceof KernelOutput.DisplayData display) {
            return display.data().sizeBytes();
        } else if (output instanceof KernelOutput.ExecuteResult result) {
            return result.data().sizeBytes();
        } else if (output instanceof KernelOutput.Error error) {
            return utf8Length(error.ename(), atMost) + utf8Length(error.evalue(), atMost)
                    + error.traceback().stream().mapToLong(line -> utf8Length(line, atMost)).sum();
        }
        return 0;
    }

    static long utf8Length(String text, long atMost) {
        long length = 0;
        for (int i = 0; i < text.length() && length < atMost; i++) {
            length += charBytes(text, i);
            if (Character.isHighSurrogate(text.charAt(i))) {
                i++;
            }
        }
        return length;
    }

    /** The longest prefix of {@code text} whose UTF-8 form fits in {@code maxBytes}, never splitting a code point. */
    static String utf8Prefix(String text, long maxBytes) {
        long length = 0;
        int i = 0;
        while (i < text.length()) {
            int bytes = charBytes(text, i);
            if (length + bytes > maxBytes) {
                break;
            }
            length += bytes;
            i += Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length() ? 2 : 1;
        }
        return text.substring(0, i);
    }

    private static int charBytes(String text, int index) {
        char c = text.charAt(index);
        if (c < 0x80) {
            return 1;
        } else if (c < 0x800) {
            return 2;
        } else if (Character.isHighSurrogate(c) && index + 1 < text.length()) {
            return 4;
        }
        return 3;
    }
}
