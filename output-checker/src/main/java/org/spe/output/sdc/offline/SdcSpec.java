package org.spe.output.sdc.offline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.output.sdc.Aggregation;

/**
 * The offline checker's table spec (see {@code docs/sdc-report.md}).
 *
 * @param csv the microdata CSV, absolute
 * @param rows row variables, at least one
 * @param columns column variables, possibly none
 * @param value the value column; required for every aggregation but count
 * @param aggregation the statistic
 * @param personId the person column; empty when each row is one person
 * @param facility the facility column, if any
 * @param margins whether to add margins ("All")
 * @param profile the SDC profile's name
 * @param suppress whether to mitigate and report the released cells
 */
public record SdcSpec(
        Path csv,
        List<String> rows,
        List<String> columns,
        Optional<String> value,
        Aggregation aggregation,
        Optional<String> personId,
        Optional<String> facility,
        boolean margins,
        String profile,
        boolean suppress) {
    private static final Set<String> FIELDS = Set.of(
            "csv", "rows", "columns", "value", "aggregation", "personId", "facility", "margins", "profile", "suppress");

    public SdcSpec {
        requireNonNull(csv, "csv is null");
        rows = List.copyOf(requireNonNull(rows, "rows is null"));
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        requireNonNull(value, "value is null");
        requireNonNull(aggregation, "aggregation is null");
        requireNonNull(personId, "personId is null");
        requireNonNull(facility, "facility is null");
        requireNonNull(profile, "profile is null");
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("rows must name at least one column");
        }
        if (aggregation.magnitude() && value.isEmpty()) {
            throw new IllegalArgumentException("aggregation " + aggregation.id() + " needs a value column");
        }
        Set<String> seen = new HashSet<>();
        for (String column : concat(rows, columns)) {
            if (!seen.add(column)) {
                throw new IllegalArgumentException("column '" + column + "' is named twice in rows/columns");
            }
        }
    }

    /**
     * Reads a spec file; a relative {@code csv} path is resolved against the spec file's folder.
     *
     * @throws SpeException with {@code INVALID_INPUT} naming the field for any malformed, missing
     *     or unknown field, or when the file cannot be read
     */
    public static SdcSpec read(Path specFile) {
        requireNonNull(specFile, "specFile is null");
        JsonNode root;
        try {
            ObjectMapper mapper = new ObjectMapper();
            mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = mapper.readTree(Files.readAllBytes(specFile));
        } catch (NoSuchFileException e) {
            throw SpeException.invalid("spec file %s does not exist", specFile);
        } catch (JsonParseException e) {
            throw SpeException.invalid("spec %s is not valid JSON at line %d: %s", specFile,
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr(), e.getOriginalMessage());
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INVALID_INPUT,
                    "cannot read spec " + specFile + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw SpeException.invalid("spec %s must be a JSON object", specFile);
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                throw SpeException.invalid("spec field '%s' is unknown; known fields: %s", field, FIELDS.stream().sorted().toList());
            }
        }
        Path csv = Path.of(requiredText(root, "csv"));
        if (!csv.isAbsolute()) {
            Path folder = specFile.toAbsolutePath().getParent();
            csv = folder.resolve(csv);
        }
        String aggregationName = requiredText(root, "aggregation");
        Aggregation aggregation = Aggregation.fromId(aggregationName).orElseThrow(() -> SpeException.invalid(
                "spec field 'aggregation': unknown aggregation '%s'; use one of count, sum, mean, median, std, min, max",
                aggregationName));
        try {
            return new SdcSpec(
                    csv.normalize(),
                    names(root, "rows", true),
                    names(root, "columns", false),
                    optionalText(root, "value"),
                    aggregation,
                    optionalText(root, "personId"),
                    optionalText(root, "facility"),
                    bool(root, "margins"),
                    optionalText(root, "profile").orElse("default"),
                    bool(root, "suppress"));
        } catch (IllegalArgumentException e) {
            throw SpeException.invalid("spec %s: %s", specFile, e.getMessage());
        }
    }

    /** Every column the spec names, in order: rows, columns, value, personId, facility. */
    public List<String> namedColumns() {
        List<String> named = new ArrayList<>(concat(rows, columns));
        value.ifPresent(named::add);
        personId.ifPresent(named::add);
        facility.ifPresent(named::add);
        return named;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw SpeException.invalid("spec field '%s' is required", field);
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw SpeException.invalid("spec field '%s' must be a non-empty string", field);
        }
        return node.textValue();
    }

    private static Optional<String> optionalText(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw SpeException.invalid("spec field '%s' must be a non-empty string or null", field);
        }
        return Optional.of(node.textValue());
    }

    private static boolean bool(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw SpeException.invalid("spec field '%s' must be true or false", field);
        }
        return node.booleanValue();
    }

    private static List<String> names(JsonNode root, String field, boolean required) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                throw SpeException.invalid("spec field '%s' is required", field);
            }
            return List.of();
        }
        if (!node.isArray()) {
            throw SpeException.invalid("spec field '%s' must be an array of column names", field);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || element.textValue().isBlank()) {
                throw SpeException.invalid("spec field '%s' must hold non-empty strings", field);
            }
            names.add(element.textValue());
        }
        if (required && names.isEmpty()) {
            throw SpeException.invalid("spec field '%s' must name at least one column", field);
        }
        return names;
    }
}
