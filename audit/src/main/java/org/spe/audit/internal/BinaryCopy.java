package org.spe.audit.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * PostgreSQL's binary COPY format, the parts the audit log uses: the file header and trailer,
 * 16-bit field counts, 32-bit lengths (-1 for NULL), bigint, timestamptz (microseconds since
 * 2000-01-01T00:00Z), text (UTF-8 bytes) and bytea (raw bytes). Stateless.
 */
final class BinaryCopy {
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** Seconds from 1970-01-01 to 2000-01-01, PostgreSQL's timestamp epoch. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private BinaryCopy() {}

    static void writeHeader(ByteArrayOutputStream out) {
        out.write(SIGNATURE, 0, SIGNATURE.length);
        writeInt(out, 0);
        writeInt(out, 0);
    }

    static void writeTrailer(ByteArrayOutputStream out) {
        writeShort(out, -1);
    }

    /** Offset of the first tuple in the first COPY message. */
    static int skipHeader(byte[] message) {
        return SIGNATURE.length + 8 + readInt(message, SIGNATURE.length + 4);
    }

    static boolean isTrailer(byte[] message, int offset) {
        return message.length - offset >= 2 && readShort(message, offset) == -1;
    }

    static void writeShort(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    static void writeInt(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    static void writeLong(ByteArrayOutputStream out, long value) {
        writeInt(out, (int) (value >>> 32));
        writeInt(out, (int) value);
    }

    /** A bigint or timestamptz field: length 8 and the value. */
    static void writeLongField(ByteArrayOutputStream out, long value) {
        writeInt(out, 8);
        writeLong(out, value);
    }

    /** A text field (or NULL). */
    static void writeTextField(ByteArrayOutputStream out, String value) {
        if (value == null) {
            writeInt(out, -1);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        writeInt(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    /** A bytea field. */
    static void writeBytesField(ByteArrayOutputStream out, byte[] value) {
        writeInt(out, value.length);
        out.write(value, 0, value.length);
    }

    static long timestampMicros(Instant time) {
        return (time.getEpochSecond() - POSTGRES_EPOCH_SECONDS) * 1_000_000L + time.getNano() / 1000;
    }

    static Instant instantOf(long micros) {
        return Instant.ofEpochSecond(POSTGRES_EPOCH_SECONDS + Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000);
    }

    static int readShort(byte[] bytes, int offset) {
        return (short) ((bytes[offset] & 0xff) << 8 | (bytes[offset + 1] & 0xff));
    }

    static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) << 24 | (bytes[offset + 1] & 0xff) << 16 | (bytes[offset + 2] & 0xff) << 8 | (bytes[offset + 3] & 0xff);
    }

    static long readLong(byte[] bytes, int offset) {
        return (long) readInt(bytes, offset) << 32 | (readInt(bytes, offset + 4) & 0xffffffffL);
    }
}
