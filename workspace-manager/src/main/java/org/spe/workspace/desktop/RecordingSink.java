package org.spe.workspace.desktop;

/**
 * Where a session recording goes: the Guacamole protocol stream as the browser received it, in
 * order. {@link #close()} marks the recording complete. Implementations are thread-safe.
 */
public interface RecordingSink extends AutoCloseable {
    /** Appends protocol text. Never blocks for long (buffers); failures are reported on close. */
    void append(CharSequence protocol);

    /** Writes what is buffered and marks the recording complete. Idempotent. */
    @Override
    void close();
}
