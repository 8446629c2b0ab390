package org.spe.workspace.notebook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;
import org.spe.workspace.kernel.KernelOutput;
import org.spe.workspace.kernel.MimeBundle;

/**
 * Turns kernel outputs into the nbformat 4 output shapes ({@code stream}, {@code display_data},
 * {@code execute_result}, {@code error}), the same JSON the notebook file stores and the browser
 * receives. Stateless and thread-safe.
 */
public final class NotebookOutputs {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private NotebookOutputs() {}

    /**
     * The nbformat output for {@code output}. The output cap's marker becomes a {@code stderr}
     * stream saying where output was cut, so a saved notebook stays valid nbformat.
     */
    public static ObjectNode toNbformat(KernelOutput output) {
        requireNonNull(output, "output is null");
        ObjectNode node = JSON.objectNode();
        // Java 17 has no pattern switch; KernelOutput is sealed, so this chain is complete.
        if (output instanceof KernelOutput.Stream stream) {
            node.put("output_type", "stream");
            node.put("name", stream.name() == KernelOutput.StreamName.STDOUT ? "stdout" : "stderr");
            node.put("text", stream.text());
        } else if (output instanceof KernelOutput.DisplayData display) {
            node.put("output_type", "display_data");
            node.set("data", data(display.data()));
            node.putObject("metadata");
        } else if (output instanceof KernelOutput.ExecuteResult result) {
            node.put("output_type", "execute_result");
            node.put("execution_count", result.executionCount());
            node.set("data", data(result.data()));
            node.putObject("metadata");
        } else if (output instanceof KernelOutput.Error error) {
            node.put("output_type", "error");
            node.put("ename", error.ename());
            node.put("evalue", error.evalue());
            ArrayNode traceback = node.putArray("traceback");
            error.traceback().forEach(traceback::add);
        } else if (output instanceof KernelOutput.Truncated truncated) {
            node.put("output_type", "stream");
            node.put("name", "stderr");
            node.put("text", "\n[output truncated: this cell's output reached the limit of " + truncated.limitBytes() + " bytes; later output was dropped]\n");
        }
        return node;
    }

    /** The MIME bundle with its types in a stable order; JSON types are kept as JSON text. */
    private static ObjectNode data(MimeBundle bundle) {
        ObjectNode data = JSON.objectNode();
        for (Map.Entry<String, String> entry : new TreeMap<>(bundle.data()).entrySet()) {
            if (entry.getKey().endsWith("json")) {
                data.set(entry.getKey(), jsonValue(entry.getValue()));
            } else {
                data.put(entry.getKey(), entry.getValue());
            }
        }
        return data;
    }

    private static com.fasterxml.jackson.databind.JsonNode jsonValue(String text) {
        try {
            return org.spe.core.json.Json.mapper().readTree(text);
        } catch (java.io.IOException e) {
            return JSON.textNode(text);
        }
    }
}
