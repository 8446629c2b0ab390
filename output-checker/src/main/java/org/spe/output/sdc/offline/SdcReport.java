package org.spe.output.sdc.offline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.CellResult;
import org.spe.output.sdc.CheckStatus;
import org.spe.output.sdc.OutputCheck;
import org.spe.output.sdc.ReleasedCell;
import org.spe.output.sdc.ReleasedTable;
import org.spe.output.sdc.RuleBreach;
import org.spe.output.sdc.SdcProfile;

/**
 * The JSON report of an offline check, in the format documented in {@code docs/sdc-report.md}.
 * Labels that a spreadsheet would run as a formula (starting with {@code = + - @}, tab or carriage
 * return) are shown with a leading {@code '}. Stateless and thread-safe.
 */
public final class SdcReport {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SdcReport() {}

    /**
     * The overall status: the check's status, except that a table whose failing cells were
     * mitigated is REVIEW, never PASS or FAIL.
     */
    public static CheckStatus status(OutputCheck check, Optional<ReleasedTable> released) {
        requireNonNull(check, "check is null");
        requireNonNull(released, "released is null");
        if (released.isPresent() && released.get().mitigated()) {
            return CheckStatus.REVIEW;
        }
        return check.status();
    }

    /** The report as a JSON tree. */
    public static ObjectNode toJson(OutputCheck check, Aggregation aggregation, Optional<ReleasedTable> released) {
        requireNonNull(check, "check is null");
        requireNonNull(aggregation, "aggregation is null");
        requireNonNull(released, "released is null");
        ObjectNode root = MAPPER.createObjectNode();
        root.put("status", status(check, released).name());
        root.put("output", check.output());
        root.put("aggregation", aggregation.id());
        root.set("profile", profile(check.profile()));
        ArrayNode cells = root.putArray("cells");
        for (CellResult cell : check.cells()) {
            ObjectNode node = cells.addObject();
            labels(node, cell.key());
            value(node, cell.value(), aggregation);
            node.put("persons", cell.persons());
            ArrayNode rules = node.putArray("rules");
            ArrayNode details = node.putArray("ruleDetails");
            for (RuleBreach breach : cell.breaches()) {
                rules.add(breach.rule().id());
                ObjectNode detail = details.addObject();
                detail.put("rule", breach.rule().id());
                detail.put("status", breach.status().name());
                detail.put("detail", breach.detail());
                ObjectNode numbers = detail.putObject("numbers");
                new TreeMap<>(breach.numbers()).forEach(numbers::put);
            }
            node.put("status", cell.status().name());
        }
        if (released.isPresent()) {
            ArrayNode suppressed = root.putArray("suppressed");
            for (ReleasedCell cell : released.get().cells()) {
                ObjectNode node = suppressed.addObject();
                labels(node, cell.key());
                value(node, cell.value(), aggregation);
                node.put("suppression", cell.suppression().name().toLowerCase(Locale.ROOT));
            }
        }
        return root;
    }

    /** The label as it may be shown safely in a spreadsheet. */
    public static String neutralise(String label) {
        requireNonNull(label, "label is null");
        if (!label.isEmpty()) {
            char first = label.charAt(0);
            if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
                return "'" + label;
            }
        }
        return label;
    }

    private static JsonNode profile(SdcProfile profile) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("name", profile.name());
        fields.put("threshold", profile.threshold());
        fields.put("dominanceN", profile.dominanceN());
        fields.put("dominanceK", profile.dominanceK());
        fields.put("pPercent", profile.pPercent());
        fields.put("zerosDisclosive", profile.zerosDisclosive());
        fields.put("allowMinMax", profile.allowMinMax());
        fields.put("minFacilities", profile.minFacilities());
        fields.put("residualDfMinimum", profile.residualDfMinimum());
        fields.put("roundingBase", profile.roundingBase());
        fields.put("redactionThreshold", profile.redactionThreshold());
        fields.put("protectionLevel", profile.protectionLevel());
        return MAPPER.valueToTree(fields);
    }

    private static void labels(ObjectNode node, CellKey key) {
        ArrayNode row = node.putArray("row");
        key.row().forEach(label -> row.add(key.rowMargin() ? label : neutralise(label)));
        ArrayNode column = node.putArray("column");
        key.column().forEach(label -> column.add(key.columnMargin() ? label : neutralise(label)));
    }

    private static void value(ObjectNode node, OptionalDouble value, Aggregation aggregation) {
        if (value.isEmpty()) {
            node.putNull("value");
        } else if (aggregation == Aggregation.COUNT) {
            node.put("value", Math.round(value.getAsDouble()));
        } else {
            node.put("value", value.getAsDouble());
        }
    }

}
