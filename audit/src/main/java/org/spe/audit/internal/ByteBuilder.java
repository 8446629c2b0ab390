package org.spe.audit.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer with the one JSON string escaping the canonical form uses: {@code "} and
 * {@code \} backslash-escaped, bytes below 0x20 as {@code \}u00xx, all other bytes (including
 * UTF-8 sequences) copied as they are. Shared by the writer and the verifier so both produce the
 * same bytes. Not thread-safe.
 */
final class ByteBuilder {
    static final byte[] NULL = ascii("null");
    private static final byte[] HEX = ascii("0123456789abcdef");

    private byte[] bytes;
    private int length;

    ByteBuilder(int capacity) {
        bytes = new byte[capacity];
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    int length() {
        return length;
    }

    byte[] buffer() {
        return bytes;
    }

    void reset() {
        length = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    private void ensure(int extra) {
        if (length + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + extra));
        }
    }

    ByteBuilder put(byte value) {
        ensure(1);
        bytes[length++] = value;
        return this;
    }

    ByteBuilder put(byte[] source) {
        return put(source, 0, source.length);
    }

    ByteBuilder put(byte[] source, int start, int end) {
        int count = end - start;
        ensure(count);
        System.arraycopy(source, start, bytes, length, count);
        length += count;
        return this;
    }

    /** A JSON string of the UTF-8 bytes {@code source[start, end)}, or {@code null} when {@code source} is null. */
    ByteBuilder putJsonString(byte[] source, int start, int end) {
        if (source == null) {
            return put(NULL);
        }
        ensure(2 + 6 * (end - start));
        bytes[length++] = '"';
        int run = start;
        for (int i = start; i < end; i++) {
            int c = source[i] & 0xff;
            if (c == '"' || c == '\\' || c < 0x20) {
                System.arraycopy(source, run, bytes, length, i - run);
                length += i - run;
                run = i + 1;
                bytes[length++] = '\\';
                if (c < 0x20) {
                    bytes[length++] = 'u';
                    bytes[length++] = '0';
                    bytes[length++] = '0';
                    bytes[length++] = HEX[c >> 4];
                    bytes[length++] = HEX[c & 15];
                } else {
                    bytes[length++] = (byte) c;
                }
            }
        }
        System.arraycopy(source, run, bytes, length, end - run);
        length += end - run;
        bytes[length++] = '"';
        return this;
    }

    ByteBuilder putJsonString(byte[] source) {
        return source == null ? put(NULL) : putJsonString(source, 0, source.length);
    }

    ByteBuilder putInt(int value) {
        ensure(4);
        bytes[length++] = (byte) (value >>> 24);
        bytes[length++] = (byte) (value >>> 16);
        bytes[length++] = (byte) (value >>> 8);
        bytes[length++] = (byte) value;
        return this;
    }
}
