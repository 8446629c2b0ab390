package org.spe.workspace.notebook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.spe.core.SpeException;
import org.spe.core.json.Json;

/**
 * A Jupyter notebook in nbformat 4, checked against the parts of the nbformat 4 schema the platform
 * relies on: the top-level fields, the cell types and their fields, and the four output shapes.
 * Immutable: the document is copied in and out; {@link #withOutputs} answers a new notebook.
 * Thread-safe.
 */
public final class Notebook {
    /** The nbformat major version this class reads and writes. */
    public static final int NBFORMAT = 4;
    private static final Set<String> TOP_LEVEL = Set.of("nbformat", "nbformat_minor", "metadata", "cells");
    private static final Set<String> CELL_TYPES = Set.of("code", "markdown", "raw");
    private static final Pattern CELL_ID = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private final ObjectNode document;

    private Notebook(ObjectNode document) {
        this.document = document;
    }

    /**
     * Parses and checks a notebook file's bytes.
     *
     * @throws SpeException of category INVALID_INPUT naming what is wrong, for text that is not
     *     JSON or not an nbformat 4 notebook
     */
    public static Notebook parse(byte[] json) {
        requireNonNull(json, "json is null");
        JsonNode root;
        try {
            root = Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            throw SpeException.invalid("The notebook is not valid JSON: %s",
                    e instanceof JsonProcessingException processing ? processing.getOriginalMessage() : e.getMessage());
        }
        return of(root);
    }

    /**
     * Checks a parsed notebook document and keeps a copy of it.
     *
     * @throws SpeException of category INVALID_INPUT naming the first field that breaks nbformat 4
     */
    public static Notebook of(JsonNode root) {
        requireNonNull(root, "root is null");
        if (root == null || !root.isObject()) {
            throw SpeException.invalid("The notebook must be a JSON object with nbformat, nbformat_minor, metadata and cells");
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOP_LEVEL.contains(name)) {
                throw SpeException.invalid("The notebook has an unknown top-level field '%s'; nbformat 4 allows %s", name, TOP_LEVEL);
            }
        }
        JsonNode nbformat = root.get("nbformat");
        if (nbformat == null || !nbformat.isInt() || nbformat.intValue() != NBFORMAT) {
            throw SpeException.invalid("nbformat must be %d (only nbformat 4 notebooks are supported), not %s", NBFORMAT, nbformat);
        }
        JsonNode minor = root.get("nbformat_minor");
        if (minor == null || !minor.isInt() || minor.intValue() < 0) {
            throw SpeException.invalid("nbformat_minor must be a whole number of 0 or more, not %s", minor);
        }
        requireObject(root.get("metadata"), "metadata");
        JsonNode cells = root.get("cells");
        if (cells == null || !cells.isArray()) {
            throw SpeException.invalid("cells must be a list");
        }
        for (int i = 0; i < cells.size(); i++) {
            checkCell(cells.get(i), "cells[" + i + "]");
        }
        return new Notebook(root.deepCopy());
    }

    /** An empty notebook with a Python 3 kernel spec in its metadata. */
    public static Notebook empty() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("nbformat", NBFORMAT).put("nbformat_minor", 5);
        ObjectNode metadata = root.putObject("metadata");
        metadata.putObject("kernelspec").put("name", "python3").put("display_name", "Python 3").put("language", "python");
        metadata.putObject("language_info").put("name", "python");
        root.putArray("cells");
        return new Notebook(root);
    }

    /** A copy of the whole document. */
    public ObjectNode document() {
        return document.deepCopy();
    }

    /** The document as indented UTF-8 JSON, ending with a newline. */
    public byte[] toBytes() {
        try {
            return (Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a checked notebook could not be written", e);
        }
    }

    /** How many cells it has. */
    public int cellCount() {
        return document.get("cells").size();
    }

    /** The type of cell {@code index}: {@code code}, {@code markdown} or {@code raw}. */
    public String cellType(int index) {
        return cell(index).get("cell_type").asText();
    }

    /** The source text of cell {@code index}, lines joined as nbformat stores them. */
    public String source(int index) {
        return joined(cell(index).get("source"));
    }

    /** The outputs of code cell {@code index}, in nbformat shapes (copies). */
    public List<ObjectNode> outputs(int index) {
        JsonNode outputs = cell(index).get("outputs");
        if (outputs == null) {
            return List.of();
        }
        return java.util.stream.StreamSupport.stream(outputs.spliterator(), false).map(o -> (ObjectNode) o.deepCopy()).toList();
    }

    /**
     * A new notebook in which code cell {@code index} has these outputs and execution count.
     *
     * @throws IllegalArgumentException if the cell is not a code cell or an output is not in an nbformat shape
     */
    public Notebook withOutputs(int index, java.util.Optional<Integer> executionCount, List<ObjectNode> outputs) {
        requireNonNull(executionCount, "executionCount is null");
        requireNonNull(outputs, "outputs is null");
        if (!cellType(index).equals("code")) {
            throw new IllegalArgumentException("cell " + index + " is a " + cellType(index) + " cell, not a code cell");
        }
        ObjectNode copy = document.deepCopy();
        ObjectNode cell = (ObjectNode) copy.get("cells").get(index);
        ArrayNode array = cell.putArray("outputs");
        for (int i = 0; i < outputs.size(); i++) {
            checkOutput(outputs.get(i), "outputs[" + i + "]");
            array.add(outputs.get(i).deepCopy());
        }
        if (executionCount.isPresent()) {
            cell.put("execution_count", executionCount.get());
        } else {
            cell.putNull("execution_count");
        }
        return new Notebook(copy);
    }

    private JsonNode cell(int index) {
        JsonNode cells = document.get("cells");
        if (index < 0 || index >= cells.size()) {
            throw new IndexOutOfBoundsException("cell " + index + " of " + cells.size());
        }
        return cells.get(index);
    }

    private static void checkCell(JsonNode cell, String where) {
        requireObject(cell, where);
        JsonNode type = cell.get("cell_type");
        if (type == null || !type.isTextual() || !CELL_TYPES.contains(type.asText())) {
            throw SpeException.invalid("%s.cell_type must be one of code, markdown, raw, not %s", where, type);
        }
        requireMultilineString(cell.get("source"), where + ".source");
        requireObject(cell.get("metadata"), where + ".metadata");
        JsonNode id = cell.get("id");
        if (id != null && (!id.isTextual() || !CELL_ID.matcher(id.asText()).matches())) {
            throw SpeException.invalid("%s.id must be 1 to 64 letters, digits, '-' or '_', not %s", where, id);
        }
        if (type.asText().equals("code")) {
            JsonNode count = cell.get("execution_count");
            if (count == null || !(count.isNull() || count.isInt() && count.intValue() >= 0)) {
                throw SpeException.invalid("%s.execution_count must be null or a whole number of 0 or more, not %s", where, count);
            }
            JsonNode outputs = cell.get("outputs");
            if (outputs == null || !outputs.isArray()) {
                throw SpeException.invalid("%s.outputs must be a list", where);
            }
            for (int i = 0; i < outputs.size(); i++) {
                checkOutput(outputs.get(i), where + ".outputs[" + i + "]");
            }
        } else if (cell.has("outputs") || cell.has("execution_count")) {
            throw SpeException.invalid("%s is a %s cell and cannot have outputs or an execution_count", where, type.asText());
        }
    }

    private static void checkOutput(JsonNode output, String where) {
        requireObject(output, where);
        JsonNode type = output.get("output_type");
        String kind = type == null || !type.isTextual() ? "" : type.asText();
        switch (kind) {
            case "stream" -> {
                JsonNode name = output.get("name");
                if (name == null || !name.isTextual()) {
                    throw SpeException.invalid("%s.name must be the stream's name (stdout or stderr)", where);
                }
                requireMultilineString(output.get("text"), where + ".text");
            }
            case "display_data", "execute_result" -> {
                requireMimeBundle(output.get("data"), where + ".data");
                requireObject(output.get("metadata"), where + ".metadata");
                if (kind.equals("execute_result")) {
                    JsonNode count = output.get("execution_count");
                    if (count == null || !(count.isNull() || count.isInt())) {
                        throw SpeException.invalid("%s.execution_count must be null or a whole number", where);
                    }
                }
            }
            case "error" -> {
                if (!output.path("ename").isTextual() || !output.path("evalue").isTextual()) {
                    throw SpeException.invalid("%s needs ename and evalue as strings", where);
                }
                JsonNode traceback = output.get("traceback");
                if (traceback == null || !traceback.isArray() || !allText(traceback)) {
                    throw SpeException.invalid("%s.traceback must be a list of strings", where);
                }
            }
            default -> throw SpeException.invalid("%s.output_type must be one of stream, display_data, execute_result, error, not %s", where, type);
        }
    }

    private static void requireMimeBundle(JsonNode data, String where) {
        requireObject(data, where);
        for (Iterator<Map.Entry<String, JsonNode>> fields = data.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getKey().contains("/")) {
                throw SpeException.invalid("%s has '%s', which is not a MIME type", where, field.getKey());
            }
            // JSON MIME types (application/json, ...+json) hold any JSON; the others text or lists of lines.
            if (!field.getKey().endsWith("json")) {
                requireMultilineString(field.getValue(), where + "['" + field.getKey() + "']");
            }
        }
    }

    private static void requireObject(JsonNode node, String where) {
        if (node == null || !node.isObject()) {
            throw SpeException.invalid("%s must be a JSON object", where);
        }
    }

    private static void requireMultilineString(JsonNode node, String where) {
        if (node == null || !(node.isTextual() || node.isArray() && allText(node))) {
            throw SpeException.invalid("%s must be a string or a list of strings", where);
        }
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isTextual()) {
                return false;
            }
        }
        return true;
    }

    static String joined(JsonNode multiline) {
        if (multiline.isTextual()) {
            return multiline.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode line : multiline) {
            text.append(line.asText());
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Notebook notebook && notebook.document.equals(document);
    }

    @Override
    public int hashCode() {
        return document.hashCode();
    }

    @Override
    public String toString() {
        return "Notebook[" + cellCount() + " cells]";
    }
}
