package org.spe.audit.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.spe.audit.AuditActor;
import org.spe.audit.AuditEvent;
import org.spe.audit.AuditOutcome;
import org.spe.audit.AuditRecord;
import org.spe.audit.TreeHashes;

/**
 * The canonical form of an event: the exact bytes that are hashed into its Merkle leaf and that
 * form one event line of a bundle. A compact UTF-8 JSON object with the fields in a fixed order
 * (see docs/audit-log-schema.md); strings escaped minimally (quote, backslash, control
 * characters as {@code \}uXXXX, all else literal UTF-8); the details object with keys sorted by
 * UTF-16 code units, recursively. Stateless and thread-safe.
 */
public final class EventCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SEQUENCE_PREFIX = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);

    private EventCodec() {}

    /** The canonical time: UTC, always six fractional digits, e.g. {@code 2026-11-23T15:56:05.123456Z}. */
    public static String formatTime(Instant time) {
        LocalDateTime utc = LocalDateTime.ofEpochSecond(time.getEpochSecond(), time.getNano(), ZoneOffset.UTC);
        StringBuilder text = new StringBuilder(27);
        pad(text, utc.getYear(), 4).append('-');
        pad(text, utc.getMonthValue(), 2).append('-');
        pad(text, utc.getDayOfMonth(), 2).append('T');
        pad(text, utc.getHour(), 2).append(':');
        pad(text, utc.getMinute(), 2).append(':');
        pad(text, utc.getSecond(), 2).append('.');
        pad(text, time.getNano() / 1000, 6).append('Z');
        return text.toString();
    }

    private static StringBuilder pad(StringBuilder text, int value, int width) {
        String digits = Integer.toString(value);
        for (int i = digits.length(); i < width; i++) {
            text.append('0');
        }
        return text.append(digits);
    }

    /** The time as the log stores it: truncated to microseconds. */
    public static Instant truncate(Instant time) {
        return time.truncatedTo(ChronoUnit.MICROS);
    }

    /** The canonical JSON of a details map (keys sorted, recursively). */
    public static String detailsJson(Map<String, Object> details) {
        StringBuilder text = new StringBuilder(64);
        appendValue(text, details);
        return text.toString();
    }

    /** The canonical bytes of the event {@code sequence} recorded at {@code time}. */
    public static byte[] encode(long sequence, Instant time, AuditRecord record, String detailsJson) {
        AuditActor actor = record.actor();
        return encode(sequence, formatTime(time), actor.userId(), actor.role(), actor.sessionId(), actor.sourceAddress(),
                record.action(), record.objectType(), record.objectId(), record.permitId().orElse(null),
                record.workspaceId().orElse(null), record.datasetId().orElse(null), record.outcome().name(),
                record.reason().orElse(null), detailsJson);
    }

    /**
     * The canonical bytes from raw stored values (nullable where the schema allows), without
     * validation: verification must encode whatever storage holds, altered or not.
     */
    public static byte[] encode(long sequence, String time, String userId, String role, String sessionId, String sourceAddress,
            String action, String objectType, String objectId, String permitId, String workspaceId, String datasetId,
            String outcome, String reason, String detailsJson) {
        byte[] head = encodeHead(sequence, time);
        byte[] tail = encodeTail(userId, role, sessionId, sourceAddress, action, objectType, objectId, permitId, workspaceId,
                datasetId, outcome, reason, detailsJson);
        byte[] canonical = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, canonical, head.length, tail.length);
        return canonical;
    }

    /** The start of a canonical line: {@code {"seq":N,"time":"T"}, in ASCII. */
    public static byte[] encodeHead(long sequence, String time) {
        return ("{\"seq\":" + sequence + ",\"time\":\"" + time + "\"").getBytes(StandardCharsets.US_ASCII);
    }

    /** The rest of a canonical line after its head, from the record's values. */
    public static byte[] encodeTail(AuditRecord record, String detailsJson) {
        return encodeTail(fieldBytes(record), utf8(detailsJson));
    }

    /** The names that precede the tail's fields, in canonical order. */
    static final byte[][] TAIL_NAMES = {
        ByteBuilder.ascii(",\"userId\":"), ByteBuilder.ascii(",\"role\":"), ByteBuilder.ascii(",\"sessionId\":"),
        ByteBuilder.ascii(",\"sourceAddress\":"), ByteBuilder.ascii(",\"action\":"), ByteBuilder.ascii(",\"objectType\":"),
        ByteBuilder.ascii(",\"objectId\":"), ByteBuilder.ascii(",\"permitId\":"), ByteBuilder.ascii(",\"workspaceId\":"),
        ByteBuilder.ascii(",\"datasetId\":"), ByteBuilder.ascii(",\"outcome\":"), ByteBuilder.ascii(",\"reason\":")};
    static final byte[] DETAILS_NAME = ByteBuilder.ascii(",\"details\":");

    /** The rest of a canonical line after its head: every field from userId on, and the closing brace. */
    public static byte[] encodeTail(String userId, String role, String sessionId, String sourceAddress, String action,
            String objectType, String objectId, String permitId, String workspaceId, String datasetId, String outcome,
            String reason, String detailsJson) {
        return encodeTail(utf8(userId, role, sessionId, sourceAddress, action, objectType, objectId, permitId, workspaceId,
                datasetId, outcome, reason), utf8(detailsJson));
    }

    /** The tail from the UTF-8 bytes of the 12 string fields (null where absent) and of the details JSON. */
    static byte[] encodeTail(byte[][] fields, byte[] detailsJson) {
        ByteBuilder out = new ByteBuilder(64 + 2 * (detailsJson == null ? 4 : detailsJson.length) + 16 * fields.length);
        for (int i = 0; i < TAIL_NAMES.length; i++) {
            out.put(TAIL_NAMES[i]).putJsonString(fields[i]);
        }
        out.put(DETAILS_NAME).put(detailsJson == null ? ByteBuilder.NULL : detailsJson).put((byte) '}');
        return out.toByteArray();
    }

    /** UTF-8 bytes of each value (null stays null). */
    static byte[][] utf8(String... values) {
        byte[][] bytes = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = utf8(values[i]);
        }
        return bytes;
    }

    static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    /** The UTF-8 bytes of a record's 12 string fields, in canonical order (null where absent). */
    static byte[][] fieldBytes(AuditRecord record) {
        AuditActor actor = record.actor();
        return utf8(actor.userId(), actor.role(), actor.sessionId(), actor.sourceAddress(), record.action(), record.objectType(),
                record.objectId(), record.permitId().orElse(null), record.workspaceId().orElse(null), record.datasetId().orElse(null),
                record.outcome().name(), record.reason().orElse(null));
    }

    private static void field(StringBuilder text, String name, String value) {
        text.append(",\"").append(name).append("\":");
        if (value == null) {
            text.append("null");
        } else {
            appendString(text, value);
        }
    }

    static void appendString(StringBuilder text, String value) {
        text.append('"');
        int run = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                text.append(value, run, i);
                run = i + 1;
                if (c < 0x20) {
                    text.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                } else {
                    text.append('\\').append(c);
                }
            }
        }
        text.append(value, run, value.length());
        text.append('"');
    }

    @SuppressWarnings("unchecked")
    private static void appendValue(StringBuilder text, Object value) {
        if (value instanceof String string) {
            appendString(text, string);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            text.append(value);
        } else if (value instanceof BigDecimal decimal) {
            text.append(decimal.toString());
        } else if (value instanceof Double || value instanceof Float) {
            text.append(value);
        } else if (value instanceof Map<?, ?> map) {
            text.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> entry : new java.util.TreeMap<>((Map<String, Object>) map).entrySet()) {
                if (!first) {
                    text.append(',');
                }
                first = false;
                appendString(text, entry.getKey());
                text.append(':');
                appendValue(text, entry.getValue());
            }
            text.append('}');
        } else if (value instanceof List<?> list) {
            text.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    text.append(',');
                }
                appendValue(text, list.get(i));
            }
            text.append(']');
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value);
        }
    }

    /** The sequence number at the start of a canonical line, or empty if it does not start like one. */
    public static Optional<Long> sequenceOf(byte[] line) {
        if (line.length <= SEQUENCE_PREFIX.length || !java.util.Arrays.equals(line, 0, SEQUENCE_PREFIX.length, SEQUENCE_PREFIX, 0, SEQUENCE_PREFIX.length)) {
            return Optional.empty();
        }
        long value = 0;
        int i = SEQUENCE_PREFIX.length;
        int digits = 0;
        while (i < line.length && line[i] >= '0' && line[i] <= '9' && digits < 18) {
            value = value * 10 + (line[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || i >= line.length || line[i] != ',') {
            return Optional.empty();
        }
        return Optional.of(value);
    }

    /** Whether the line starts like a canonical event line. */
    public static boolean isEventLine(byte[] line) {
        return line.length > SEQUENCE_PREFIX.length && java.util.Arrays.equals(line, 0, SEQUENCE_PREFIX.length, SEQUENCE_PREFIX, 0, SEQUENCE_PREFIX.length);
    }

    /** Parses a canonical line back into an event (its leaf hash recomputed from the bytes). */
    public static AuditEvent decode(byte[] line) {
        try {
            JsonNode node = JSON.readTree(line);
            AuditActor actor = new AuditActor(node.get("userId").asText(), node.get("role").asText(),
                    node.get("sessionId").asText(), node.get("sourceAddress").asText());
            AuditRecord.Builder builder = AuditRecord.builder(actor, node.get("action").asText())
                    .object(node.get("objectType").asText(), node.get("objectId").asText())
                    .outcome(AuditOutcome.valueOf(node.get("outcome").asText()));
            optional(node, "permitId").ifPresent(builder::permit);
            optional(node, "workspaceId").ifPresent(builder::workspace);
            optional(node, "datasetId").ifPresent(builder::dataset);
            optional(node, "reason").ifPresent(builder::reason);
            Map<String, Object> details = JSON.convertValue(node.get("details"), new TypeReference<Map<String, Object>>() {});
            details.forEach(builder::detail);
            return new AuditEvent(node.get("seq").asLong(), Instant.parse(node.get("time").asText()), builder.build(),
                    HexFormat.of().formatHex(TreeHashes.leafHash(line)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a canonical audit event line: " + e.getMessage(), e);
        }
    }

    /** Parses a stored details JSON text into a map. */
    public static Map<String, Object> parseDetails(String detailsJson) {
        try {
            return JSON.readValue(detailsJson, new TypeReference<Map<String, Object>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("details are not a JSON object: " + e.getMessage(), e);
        }
    }

    private static Optional<String> optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
    }
}
