package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.roaringbitmap.RoaringBitmap;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.json.Json;
import org.spe.output.sdc.Aggregation;
import org.spe.output.sdc.CellEvidence;
import org.spe.output.sdc.CellKey;
import org.spe.output.sdc.PseudonymDictionary;
import org.spe.output.sdc.SdcTable;
import org.spe.output.sdc.TableCell;

/**
 * {@link TableEvidenceStore} in a folder of the platform's data directory
 * ({@code <data-dir>/table-evidence/}), never inside a workspace: {@code workspaces/<id>/<evidence
 * id>.json} holds the table and its evidence, {@code .persons} beside it the cell populations
 * (serialized {@link RoaringBitmap}s in the table's cell order), and {@code permits/<id>/pseudonyms}
 * each permit's dictionary (one {@code int TAB base64(pseudonym)} line per person). Files are
 * written to a temporary name and moved into place, so a crash never leaves half a file under the
 * real name. Thread-safe.
 */
public final class FileTableEvidenceStore implements TableEvidenceStore {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    private static final String JSON = ".json";
    private static final String PERSONS = ".persons";

    private final Path root;
    private final Map<String, PseudonymDictionary> dictionaries = new ConcurrentHashMap<>();

    /** @param root the store's folder, created on first write */
    public FileTableEvidenceStore(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath();
    }

    @Override
    public synchronized void save(TableEvidence evidence) {
        requireNonNull(evidence, "evidence is null");
        Path folder = workspaceFolder(evidence.workspaceId());
        try {
            Files.createDirectories(folder);
            if (!evidence.populations().isEmpty()) {
                write(folder.resolve(evidence.id() + PERSONS), populations(evidence));
            }
            write(folder.resolve(evidence.id() + JSON), Json.mapper().writeValueAsBytes(toJson(evidence)));
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot store the evidence of table " + evidence.relativePath(), e);
        }
    }

    @Override
    public Optional<TableEvidence> find(String workspaceId, String evidenceId) {
        requireNonNull(evidenceId, "evidenceId is null");
        Path file = workspaceFolder(workspaceId).resolve(segment(evidenceId, "evidence id") + JSON);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(read(file));
    }

    @Override
    public Optional<TableEvidence> findByContent(String workspaceId, String sha256) {
        requireNonNull(sha256, "sha256 is null");
        List<TableEvidence> all = list(workspaceId);
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).tableSha256().equals(sha256)) {
                return Optional.of(all.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<TableEvidence> list(String workspaceId) {
        Path folder = workspaceFolder(workspaceId);
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<TableEvidence> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(JSON)).toList()) {
                all.add(read(file));
            }
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot list the table evidence of workspace " + workspaceId, e);
        }
        all.sort(Comparator.comparing(TableEvidence::createdAt).thenComparing(TableEvidence::id));
        return List.copyOf(all);
    }

    @Override
    public PseudonymDictionary dictionary(String permitId) {
        Path file = permitFolder(permitId).resolve("pseudonyms");
        return dictionaries.computeIfAbsent(permitId, id -> loadDictionary(file));
    }

    @Override
    public synchronized void saveDictionary(String permitId) {
        PseudonymDictionary dictionary = dictionary(permitId);
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(dictionary.snapshot().entrySet());
        entries.sort(Map.Entry.comparingByValue());
        StringBuilder text = new StringBuilder(entries.size() * 48);
        Base64.Encoder base64 = Base64.getEncoder();
        for (Map.Entry<String, Integer> entry : entries) {
            text.append(entry.getValue()).append('\t')
                    .append(base64.encodeToString(entry.getKey().getBytes(StandardCharsets.UTF_8))).append('\n');
        }
        try {
            Files.createDirectories(permitFolder(permitId));
            write(permitFolder(permitId).resolve("pseudonyms"), text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot store the pseudonym dictionary of permit " + permitId, e);
        }
    }

    private static PseudonymDictionary loadDictionary(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return new PseudonymDictionary();
        }
        Map<String, Integer> stored = new HashMap<>();
        Base64.Decoder base64 = Base64.getDecoder();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(line -> !line.isEmpty()).forEach(line -> {
                int tab = line.indexOf('\t');
                stored.put(new String(base64.decode(line.substring(tab + 1)), StandardCharsets.UTF_8),
                        Integer.parseInt(line.substring(0, tab)));
            });
        } catch (IOException | RuntimeException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot read the pseudonym dictionary " + file.getFileName(), e);
        }
        return new PseudonymDictionary(stored);
    }

    private Path workspaceFolder(String workspaceId) {
        return root.resolve("workspaces").resolve(segment(workspaceId, "workspace id"));
    }

    private Path permitFolder(String permitId) {
        return root.resolve("permits").resolve(segment(permitId, "permit id"));
    }

    private static String segment(String value, String what) {
        requireNonNull(value, what + " is null");
        if (!SEGMENT.matcher(value).matches()) {
            throw SpeException.invalid("a %s must be 1-128 of [A-Za-z0-9_-]", what);
        }
        return value;
    }

    private static void write(Path target, byte[] content) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(temporary, content);
        try {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static byte[] populations(TableEvidence evidence) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(evidence.table().cells().size());
            for (TableCell cell : evidence.table().cells()) {
                RoaringBitmap bitmap = evidence.populations().get(cell.key());
                bitmap.runOptimize();
                out.writeInt(bitmap.serializedSizeInBytes());
                bitmap.serialize(out);
            }
        }
        return bytes.toByteArray();
    }

    private static Map<CellKey, RoaringBitmap> readPopulations(Path file, SdcTable table) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Map.of();
        }
        Map<CellKey, RoaringBitmap> populations = new LinkedHashMap<>();
        try (InputStream stream = Files.newInputStream(file); DataInputStream in = new DataInputStream(stream)) {
            int count = in.readInt();
            if (count != table.cells().size()) {
                throw new IOException("populations of " + count + " cells for a table of " + table.cells().size());
            }
            for (TableCell cell : table.cells()) {
                in.readInt();
                RoaringBitmap bitmap = new RoaringBitmap();
                bitmap.deserialize(in);
                populations.put(cell.key(), bitmap);
            }
        }
        return populations;
    }

    private static ObjectNode toJson(TableEvidence evidence) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("format", "spe-table-evidence/1");
        root.put("id", evidence.id());
        root.put("workspaceId", evidence.workspaceId());
        root.put("permitId", evidence.permitId());
        root.put("createdBy", evidence.createdBy());
        root.put("relativePath", evidence.relativePath());
        root.put("query", evidence.query());
        root.set("spec", Json.mapper().valueToTree(evidence.spec()));
        root.put("profile", evidence.profile());
        root.put("tableSha256", evidence.tableSha256());
        root.put("createdAt", evidence.createdAt().toString());
        SdcTable table = evidence.table();
        ObjectNode tableNode = root.putObject("table");
        tableNode.put("name", table.name());
        tableNode.put("aggregation", table.aggregation().name());
        table.rowVariables().forEach(tableNode.putArray("rowVariables")::add);
        table.columnVariables().forEach(tableNode.putArray("columnVariables")::add);
        ArrayNode cells = tableNode.putArray("cells");
        for (TableCell cell : table.cells()) {
            ObjectNode node = cells.addObject();
            cell.key().row().forEach(node.putArray("row")::add);
            cell.key().column().forEach(node.putArray("column")::add);
            node.put("rowMargin", cell.key().rowMargin());
            node.put("columnMargin", cell.key().columnMargin());
            CellEvidence e = cell.evidence();
            node.put("rows", e.rows());
            node.put("persons", e.persons());
            e.topContributions().forEach(node.putArray("top")::add);
            if (e.facilities().isPresent()) {
                node.put("facilities", e.facilities().getAsLong());
            }
            node.put("valueCount", e.valueCount());
            node.put("missing", e.missing());
            node.put("negatives", e.negatives());
            node.put("sum", e.sum());
            node.put("sumOfSquaredDeviations", e.sumOfSquaredDeviations());
            e.minimum().ifPresent(v -> node.put("minimum", v));
            e.maximum().ifPresent(v -> node.put("maximum", v));
            e.median().ifPresent(v -> node.put("median", v));
        }
        return root;
    }

    private static TableEvidence read(Path file) {
        try {
            JsonNode root = Json.mapper().readTree(Files.readAllBytes(file));
            JsonNode tableNode = root.path("table");
            List<TableCell> cells = new ArrayList<>();
            for (JsonNode node : tableNode.path("cells")) {
                List<Double> top = new ArrayList<>();
                node.path("top").forEach(v -> top.add(v.asDouble()));
                CellEvidence evidence = new CellEvidence(node.path("rows").asLong(), node.path("persons").asLong(), top,
                        node.has("facilities") ? OptionalLong.of(node.path("facilities").asLong()) : OptionalLong.empty(),
                        node.path("valueCount").asLong(), node.path("missing").asLong(), node.path("negatives").asLong(),
                        node.path("sum").asDouble(), node.path("sumOfSquaredDeviations").asDouble(), optionalDouble(node, "minimum"),
                        optionalDouble(node, "maximum"), optionalDouble(node, "median"));
                cells.add(new TableCell(new CellKey(strings(node.path("row")), strings(node.path("column")),
                        node.path("rowMargin").asBoolean(), node.path("columnMargin").asBoolean()), evidence));
            }
            SdcTable table = new SdcTable(tableNode.path("name").asText(), Aggregation.valueOf(tableNode.path("aggregation").asText()),
                    strings(tableNode.path("rowVariables")), strings(tableNode.path("columnVariables")), cells);
            String id = root.path("id").asText();
            Map<CellKey, RoaringBitmap> populations = readPopulations(file.resolveSibling(id + PERSONS), table);
            return new TableEvidence(id, root.path("workspaceId").asText(), root.path("permitId").asText(), root.path("createdBy").asText(),
                    root.path("relativePath").asText(), root.path("query").asText(),
                    Json.mapper().treeToValue(root.path("spec"), TableSpec.class), root.path("profile").asText(), table, populations,
                    root.path("tableSha256").asText(), Instant.parse(root.path("createdAt").asText()));
        } catch (IOException | RuntimeException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot read the table evidence " + file.getFileName(), e);
        }
    }

    private static OptionalDouble optionalDouble(JsonNode node, String field) {
        return node.has(field) ? OptionalDouble.of(node.path(field).asDouble()) : OptionalDouble.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
