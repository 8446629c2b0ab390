package org.spe.workspace.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last {@code capacity} bytes read from a stream. Thread-safe. */
final class OutputTail {
    private final byte[] buffer;
    private long written;

    OutputTail(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.buffer = new byte[capacity];
    }

    synchronized void append(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            buffer[(int) (written++ % buffer.length)] = bytes[offset + i];
        }
    }

    /** Reads {@code in} to its end into this tail; returns when the stream ends or fails. */
    void drain(InputStream in) {
        byte[] chunk = new byte[4096];
        try (in) {
            int n;
            while ((n = in.read(chunk)) >= 0) {
                append(chunk, 0, n);
            }
        } catch (IOException e) {
            // The process went away; what was read so far is the tail.
        }
    }

    synchronized String text() {
        int length = (int) Math.min(written, buffer.length);
        byte[] out = new byte[length];
        long start = written - length;
        for (int i = 0; i < length; i++) {
            out[i] = buffer[(int) ((start + i) % buffer.length)];
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
