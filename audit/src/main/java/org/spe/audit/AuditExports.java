package org.spe.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Exports search results for auditors: OCSF 1.x JSON lines (class and activity from
 * {@link OcsfMapping}; SPE fields that OCSF has no attribute for under {@code unmapped}) and CSV
 * (RFC 4180; cells that a spreadsheet would run as a formula are prefixed with {@code '}).
 * These are readable copies, not proofs: the bundle ({@link AuditLog#exportBundle}) is what
 * verifies. Stateless and thread-safe; the writers block on I/O.
 */
public final class AuditExports {
    /** OCSF schema version the JSON lines follow. */
    public static final String OCSF_VERSION = "1.1.0";
    /** The CSV header row. */
    public static final List<String> CSV_COLUMNS = List.of("sequence", "time", "user_id", "role", "session_id", "source_address",
            "action", "object_type", "object_id", "permit_id", "workspace_id", "dataset_id", "outcome", "reason",
            "ocsf_class_uid", "ocsf_activity_id", "details", "leaf_hash");

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuditExports() {}

    /** Output formats. */
    public enum Format {
        /** One OCSF 1.x event object per line. */
        OCSF_JSON_LINES,
        /** Comma-separated values with a header row. */
        CSV
    }

    /**
     * Runs {@code query} page by page from its first page, handing each event to {@code consumer};
     * returns how many there were.
     */
    public static long forEachMatch(AuditLog log, AuditQuery query, Consumer<AuditEvent> consumer) {
        requireNonNull(log, "log is null");
        requireNonNull(query, "query is null");
        long count = 0;
        AuditQuery current = query.withCursor(Optional.empty());
        while (true) {
            AuditPage page = log.search(current);
            for (AuditEvent event : page.events()) {
                consumer.accept(event);
                count++;
            }
            if (page.nextCursor().isEmpty()) {
                return count;
            }
            current = query.withCursor(page.nextCursor());
        }
    }

    /** Writes every event matching {@code query} to {@code out} in {@code format}; returns the count. */
    public static long write(AuditLog log, AuditQuery query, Format format, Writer out) throws IOException {
        requireNonNull(format, "format is null");
        requireNonNull(out, "out is null");
        if (format == Format.CSV) {
            out.write(String.join(",", CSV_COLUMNS));
            out.write("\r\n");
        }
        try {
            return forEachMatch(log, query, event -> {
                try {
                    switch (format) {
                        case OCSF_JSON_LINES -> {
                            out.write(JSON.writeValueAsString(toOcsf(event)));
                            out.write('\n');
                        }
                        case CSV -> out.write(toCsvRow(event));
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The OCSF 1.x rendering of one event. */
    public static ObjectNode toOcsf(AuditEvent event) {
        AuditRecord record = event.record();
        OcsfMapping.OcsfClass ocsf = OcsfMapping.classOf(record.action());
        ObjectNode node = JSON.createObjectNode();
        node.put("class_uid", ocsf.classUid());
        node.put("class_name", ocsf.className());
        node.put("category_uid", ocsf.categoryUid());
        node.put("activity_id", ocsf.activityId());
        node.put("activity_name", ocsf.activityName());
        node.put("type_uid", ocsf.typeUid());
        node.put("severity_id", record.outcome() == AuditOutcome.SUCCESS ? 1 : 2);
        node.put("time", event.time().toEpochMilli());
        node.put("status_id", OcsfMapping.statusId(record.outcome()));
        node.put("status", OcsfMapping.statusId(record.outcome()) == 1 ? "Success" : "Failure");
        record.reason().ifPresentOrElse(reason -> node.put("status_detail", reason), () -> node.put("status_detail", record.outcome().name()));
        node.put("message", record.action() + " " + record.objectType() + " " + record.objectId());
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("version", OCSF_VERSION);
        metadata.put("uid", Long.toString(event.sequence()));
        metadata.put("sequence", event.sequence());
        metadata.put("log_name", "spe-audit");
        metadata.putObject("product").put("name", "SPE").put("vendor_name", "SPE");
        ObjectNode actor = node.putObject("actor");
        actor.putObject("user").put("uid", record.actor().userId()).put("name", record.actor().userId());
        if (!record.actor().sessionId().isEmpty()) {
            actor.putObject("session").put("uid", record.actor().sessionId());
        }
        if (!record.actor().sourceAddress().isEmpty()) {
            node.putObject("src_endpoint").put("ip", record.actor().sourceAddress());
        }
        ObjectNode unmapped = node.putObject("unmapped");
        unmapped.put("spe_action", record.action());
        unmapped.put("role", record.actor().role());
        unmapped.put("object_type", record.objectType());
        unmapped.put("object_id", record.objectId());
        record.permitId().ifPresent(value -> unmapped.put("permit_id", value));
        record.workspaceId().ifPresent(value -> unmapped.put("workspace_id", value));
        record.datasetId().ifPresent(value -> unmapped.put("dataset_id", value));
        unmapped.put("outcome", record.outcome().name());
        unmapped.set("details", JSON.valueToTree(record.details()));
        unmapped.put("leaf_hash", event.leafHash());
        return node;
    }

    /** One CSV row (with CRLF) of {@link #CSV_COLUMNS}. */
    public static String toCsvRow(AuditEvent event) {
        AuditRecord record = event.record();
        OcsfMapping.OcsfClass ocsf = OcsfMapping.classOf(record.action());
        List<String> cells = List.of(Long.toString(event.sequence()), event.time().toString(), record.actor().userId(),
                record.actor().role(), record.actor().sessionId(), record.actor().sourceAddress(), record.action(),
                record.objectType(), record.objectId(), record.permitId().orElse(""), record.workspaceId().orElse(""),
                record.datasetId().orElse(""), record.outcome().name(), record.reason().orElse(""),
                Integer.toString(ocsf.classUid()), Integer.toString(ocsf.activityId()),
                org.spe.audit.internal.EventCodec.detailsJson(record.details()), event.leafHash());
        StringBuilder row = new StringBuilder(256);
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                row.append(',');
            }
            row.append(csvCell(cells.get(i)));
        }
        return row.append("\r\n").toString();
    }

    static String csvCell(String value) {
        String safe = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
