package org.spe.workspace.helper;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import org.roaringbitmap.RoaringBitmap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.output.release.PlatformTables;
import org.spe.output.release.TableEvidence;
import org.spe.output.release.TableEvidenceStore;
import org.spe.output.release.TableSpec;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.CellResult;
import org.spe.output.sdc.RuleBreach;
import org.spe.output.sdc.SdcProfiles;
import org.spe.workspace.tables.TableQuery;
import org.spe.workspace.tables.TableResult;
import org.spe.workspace.tables.WorkspaceTables;

/**
 * Answers {@code {"op":"table",…}} from a workspace ({@code spe.table} in the notebook helper) and
 * passes every other request to the handler it wraps. The platform's table function makes the table
 * and the evidence of every cell in one Spark job ({@link WorkspaceTables}); the table is checked
 * under the permit's profile, written as a CSV into the workspace's {@code outputs/} (mitigated when
 * asked), and the evidence — with each cell's persons for differencing — is kept by the platform
 * ({@link TableEvidenceStore}), never in the workspace. A release request recognises the unchanged
 * CSV by its SHA-256 and checks it from that evidence.
 *
 * <p>Request fields: {@code query} (SQL), {@code name} (file name; {@code .csv} is added),
 * {@code rows}, {@code columns}, {@code value}, {@code aggregation} (count, sum, mean, median, std,
 * min, max), {@code personId}, {@code facility}, {@code margins}, {@code suppress}. The answer:
 * {@code {"ok":true,"path":…,"status":…,"columns":[…],"rows":[[labels…, value, status, rules]]}}
 * (a hidden cell's value is null). Bad input is an INVALID_INPUT answer and writes nothing.
 * Thread-safe.
 */
public final class TableControlHandler implements ControlHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TableControlHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The workspace a handler serves.
     *
     * @param workspaceId its id
     * @param permitId its permit
     * @param ownerId the researcher whose code runs in it
     * @param profile the permit's SDC profile
     * @param outputs its {@code outputs/} folder, as the platform sees it
     */
    public record Target(String workspaceId, String permitId, String ownerId, String profile, Path outputs) {
        public Target {
            requireNonNull(workspaceId, "workspaceId is null");
            requireNonNull(permitId, "permitId is null");
            requireNonNull(ownerId, "ownerId is null");
            requireNonNull(profile, "profile is null");
            requireNonNull(outputs, "outputs is null");
            SdcProfiles.named(profile);
        }
    }

    private final ControlHandler delegate;
    private final WorkspaceTables tables;
    private final TableEvidenceStore store;
    private final Target target;
    private final StatementListener listener;
    private final Clock clock;

    /**
     * @param delegate answers every other request (SQL)
     * @param listener hears (and may refuse) each table's query before it runs
     */
    public TableControlHandler(ControlHandler delegate, WorkspaceTables tables, TableEvidenceStore store, Target target,
            StatementListener listener, Clock clock) {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.tables = requireNonNull(tables, "tables is null");
        this.store = requireNonNull(store, "store is null");
        this.target = requireNonNull(target, "target is null");
        this.listener = requireNonNull(listener, "listener is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public String handle(String request) {
        JsonNode root;
        try {
            root = JSON.readTree(request);
        } catch (JsonProcessingException e) {
            return delegate.handle(request);
        }
        if (root == null || !root.isObject() || !"table".equals(root.path("op").asText(""))) {
            return delegate.handle(request);
        }
        try {
            return table(root);
        } catch (SpeException e) {
            return SqlControlHandler.error(e.category(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return SqlControlHandler.error(ErrorCategory.INVALID_INPUT, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("table request failed", e);
            return SqlControlHandler.error(ErrorCategory.INTERNAL, "internal error");
        }
    }

    private String table(JsonNode root) {
        TableQuery query = parse(root);
        listener.beforeExecute("table", query.query());
        TableResult result = tables.make(query, target.profile(), Optional.of(store.dictionary(target.permitId())));
        Map<CellKey, RoaringBitmap> populations = result.populations().orElse(Map.of());
        if (!populations.isEmpty()) {
            store.saveDictionary(target.permitId());
        }
        PlatformTables.Rendered rendered = PlatformTables.render(query.spec(), result.table(), SdcProfiles.named(target.profile()),
                List.<RuleBreach>of());
        write(query.name(), rendered.csv());
        TableEvidence evidence = new TableEvidence(TableEvidence.newId(), target.workspaceId(), target.permitId(), target.ownerId(),
                query.name(), query.query(), query.spec(), target.profile(), result.table(), populations,
                PlatformTables.sha256(rendered.csv()), clock.instant());
        store.save(evidence);
        LOG.info("workspace {} made table {} ({} cells, {})", target.workspaceId(), evidence.id(), result.table().cells().size(),
                rendered.status());
        return answer(query, rendered);
    }

    private static TableQuery parse(JsonNode root) {
        String query = text(root, "query").orElseThrow(() -> SpeException.invalid("the table request needs a query string"));
        String name = TableQuery.fileName(text(root, "name").orElseThrow(() -> SpeException.invalid("the table request needs a name")));
        String aggregationId = text(root, "aggregation").orElse("count");
        Aggregation aggregation = Aggregation.fromId(aggregationId)
                .orElseThrow(() -> SpeException.invalid("unknown aggregation '%s' (count, sum, mean, median, std, min, max)", aggregationId));
        TableSpec spec = new TableSpec(names(root, "rows"), names(root, "columns"), text(root, "value"), aggregation, text(root, "personId"),
                text(root, "facility"), flag(root, "margins"), flag(root, "suppress"));
        return new TableQuery(name, query, spec);
    }

    private static Optional<String> text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            throw SpeException.invalid("%s must be a non-blank string", field);
        }
        return Optional.of(node.asText());
    }

    private static List<String> names(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (node.isTextual()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            throw SpeException.invalid("%s must be a list of column names", field);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode element : node) {
            if (!element.isTextual() || element.asText().isBlank()) {
                throw SpeException.invalid("%s must be a list of column names", field);
            }
            names.add(element.asText());
        }
        return names;
    }

    private static boolean flag(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw SpeException.invalid("%s must be true or false", field);
        }
        return node.asBoolean();
    }

    /**
     * Writes the table under {@code outputs/} without following links: a new file with a random name
     * (refused if anything is there), then a rename that replaces whatever entry had the table's name.
     */
    private void write(String name, byte[] csv) {
        Path outputs = target.outputs();
        Path destination = outputs.resolve(name);
        if (!destination.getParent().equals(outputs)) {
            throw SpeException.invalid("the table's name must be a plain file name");
        }
        if (Files.isDirectory(destination, LinkOption.NOFOLLOW_LINKS)) {
            throw SpeException.invalid("outputs/%s is a folder", name);
        }
        Path temporary = outputs.resolve(".spe-table-" + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(outputs);
            Files.write(temporary, csv, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, destination, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the temporary name is random and hidden; nothing refers to it
            }
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot write outputs/" + name, e);
        }
    }

    private static String answer(TableQuery query, PlatformTables.Rendered rendered) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", true);
        answer.put("path", query.name());
        answer.put("status", rendered.status().name());
        ArrayNode columns = answer.putArray("columns");
        query.spec().rows().forEach(name -> columns.addObject().put("name", name).put("type", "string"));
        query.spec().columns().forEach(name -> columns.addObject().put("name", name).put("type", "string"));
        columns.addObject().put("name", query.spec().aggregation().id()).put("type", "double");
        columns.addObject().put("name", "sdc_status").put("type", "string");
        columns.addObject().put("name", "sdc_rules").put("type", "string");
        ArrayNode rows = answer.putArray("rows");
        Map<CellKey, OptionalDouble> released = new java.util.HashMap<>();
        rendered.released().ifPresent(table -> table.cells().forEach(cell -> released.put(cell.key(), cell.value())));
        for (CellResult cell : rendered.check().cells()) {
            ArrayNode row = rows.addArray();
            cell.key().row().forEach(row::add);
            cell.key().column().forEach(row::add);
            OptionalDouble value = rendered.released().isPresent() ? released.getOrDefault(cell.key(), OptionalDouble.empty()) : cell.value();
            if (value.isPresent()) {
                row.add(value.getAsDouble());
            } else {
                row.addNull();
            }
            row.add(cell.status().name());
            row.add(String.join(";", cell.breaches().stream().map(b -> b.rule().id()).toList()));
        }
        return answer.toString();
    }
}
