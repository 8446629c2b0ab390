package org.spe.output.release.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * The part of an automatic SDC report that may be shown outside the checkers' console and may
 * leave in a release package. The full report is evidence for output checkers only
 * ({@code docs/sdc-report.md}): it holds every cell's true value, its persons and the numbers
 * that broke a rule (largest contributions included), which would disclose exactly what
 * suppression hides. The releasable record keeps, per cell, its labels, status and the ids of
 * the rules it breaks; per suppressed cell, its labels and why it is hidden; per output-level
 * breach, its rule and status; and the profile. Stateless and thread-safe.
 */
public final class SdcRecords {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> TOP_LEVEL = List.of("status", "output", "kind", "aggregation", "profile");

    private SdcRecords() {}

    /** The releasable record of a stored report. */
    public static ObjectNode releasable(String report) {
        requireNonNull(report, "report is null");
        JsonNode full;
        try {
            full = MAPPER.readTree(report);
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "A stored SDC report cannot be read", e);
        }
        ObjectNode record = MAPPER.createObjectNode();
        for (String field : TOP_LEVEL) {
            if (full.has(field)) {
                record.set(field, full.get(field));
            }
        }
        ArrayNode cells = record.putArray("cells");
        for (JsonNode cell : full.path("cells")) {
            cells.addObject().<ObjectNode>set("row", cell.path("row")).<ObjectNode>set("column", cell.path("column"))
                    .put("status", cell.path("status").asText()).set("rules", cell.path("rules"));
        }
        if (full.has("suppressed")) {
            ArrayNode suppressed = record.putArray("suppressed");
            for (JsonNode cell : full.path("suppressed")) {
                suppressed.addObject().<ObjectNode>set("row", cell.path("row")).<ObjectNode>set("column", cell.path("column"))
                        .put("suppression", cell.path("suppression").asText());
            }
        }
        ArrayNode breaches = record.putArray("breaches");
        for (JsonNode breach : full.path("breaches")) {
            breaches.addObject().put("rule", breach.path("rule").asText()).put("status", breach.path("status").asText());
        }
        return record;
    }

    /** {@link #releasable} as JSON text. */
    public static String releasableText(String report) {
        try {
            return MAPPER.writeValueAsString(releasable(report));
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot write an SDC record", e);
        }
    }
}
