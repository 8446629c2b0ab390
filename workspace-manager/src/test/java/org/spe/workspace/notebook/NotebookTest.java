package org.spe.workspace.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.spe.core.SpeException;
import org.spe.workspace.kernel.KernelOutput;
import org.spe.workspace.kernel.MimeBundle;

class NotebookTest {
    static final String VALID = """
            {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"name": "python3"}},
             "cells": [
               {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Title\\n", "text"]},
               {"cell_type": "code", "id": "c-1", "metadata": {}, "execution_count": null, "outputs": [], "source": "x = 1\\nprint(x)"},
               {"cell_type": "code", "metadata": {}, "execution_count": 3, "source": ["x"],
                "outputs": [{"output_type": "execute_result", "execution_count": 3, "data": {"text/plain": "1"}, "metadata": {}}]}
             ]}
            """;

    @Test
    void readsCellsOfAValidNotebook() {
        Notebook notebook = Notebook.parse(VALID.getBytes(StandardCharsets.UTF_8));
        assertThat(notebook.cellCount()).isEqualTo(3);
        assertThat(notebook.cellType(0)).isEqualTo("markdown");
        assertThat(notebook.source(0)).isEqualTo("# Title\ntext");
        assertThat(notebook.source(1)).isEqualTo("x = 1\nprint(x)");
        assertThat(notebook.outputs(2)).hasSize(1);
        assertThat(Notebook.parse(notebook.toBytes())).isEqualTo(notebook);
    }

    @Test
    void refusesWhatIsNotAnNbformat4Notebook() {
        assertInvalid("not json", "not valid JSON");
        assertInvalid("[]", "must be a JSON object");
        assertInvalid(VALID.replace("\"nbformat\": 4", "\"nbformat\": 3"), "nbformat must be 4");
        assertInvalid(VALID.replace("\"nbformat_minor\": 5", "\"nbformat_minor\": \"5\""), "nbformat_minor");
        assertInvalid(VALID.replace("\"metadata\": {\"kernelspec\"", "\"extra\": 1, \"metadata\": {\"kernelspec\""), "unknown top-level field 'extra'");
        assertInvalid(VALID.replace("\"cell_type\": \"markdown\"", "\"cell_type\": \"heading\""), "cells[0].cell_type");
        assertInvalid(VALID.replace("\"source\": \"x = 1\\nprint(x)\"", "\"source\": 7"), "cells[1].source must be a string or a list of strings");
        assertInvalid(VALID.replace("\"execution_count\": null, \"outputs\": []", "\"execution_count\": null"), "cells[1].outputs must be a list");
        assertInvalid(VALID.replace("\"output_type\": \"execute_result\"", "\"output_type\": \"print\""), "cells[2].outputs[0].output_type");
        assertInvalid(VALID.replace("\"id\": \"intro\"", "\"id\": \"no spaces\""), "cells[0].id");
        assertInvalid(VALID.replace("\"id\": \"intro\", \"metadata\": {}", "\"id\": \"intro\", \"metadata\": {}, \"outputs\": []"),
                "markdown cell and cannot have outputs");
    }

    @Test
    void outputsAreWrittenBackInNbformatShapes() {
        Notebook notebook = Notebook.parse(VALID.getBytes(StandardCharsets.UTF_8));
        List<ObjectNode> outputs = List.of(
                NotebookOutputs.toNbformat(new KernelOutput.Stream(KernelOutput.StreamName.STDOUT, "1\n")),
                NotebookOutputs.toNbformat(new KernelOutput.DisplayData(new MimeBundle(java.util.Map.of("text/html", "<b>x</b>", "image/png", "iVBOR")))),
                NotebookOutputs.toNbformat(new KernelOutput.ExecuteResult(4, new MimeBundle(java.util.Map.of("text/plain", "2")))),
                NotebookOutputs.toNbformat(new KernelOutput.Error("ZeroDivisionError", "division by zero", List.of("\u001b[0;31mTraceback\u001b[0m"))),
                NotebookOutputs.toNbformat(new KernelOutput.Truncated(1024)));
        Notebook ran = notebook.withOutputs(1, Optional.of(4), outputs);

        Notebook reread = Notebook.parse(ran.toBytes());
        assertThat(reread.outputs(1)).extracting(o -> o.get("output_type").asText())
                .containsExactly("stream", "display_data", "execute_result", "error", "stream");
        assertThat(reread.document().get("cells").get(1).get("execution_count").asInt()).isEqualTo(4);
        assertThat(reread.outputs(1).get(1).get("data").get("image/png").asText()).isEqualTo("iVBOR");
        assertThat(reread.outputs(1).get(4).get("text").asText()).contains("output truncated").contains("1024 bytes");
        assertThat(notebook.outputs(1)).as("the original is unchanged").isEmpty();
        assertThatThrownBy(() -> notebook.withOutputs(0, Optional.empty(), List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("markdown");
    }

    @Test
    void cellsToRunAreCheckedBeforeAnythingRuns() {
        Notebook notebook = Notebook.parse(VALID.getBytes(StandardCharsets.UTF_8));
        assertThat(NotebookRunner.cellsToRun(notebook, List.of())).containsExactly(1, 2);
        assertThat(NotebookRunner.cellsToRun(notebook, List.of(2))).containsExactly(2);
        assertThatThrownBy(() -> NotebookRunner.cellsToRun(notebook, List.of(0))).isInstanceOf(SpeException.class).hasMessageContaining("markdown cell");
        assertThatThrownBy(() -> NotebookRunner.cellsToRun(notebook, List.of(9))).isInstanceOf(SpeException.class).hasMessageContaining("cells 0 to 2");
        assertThatThrownBy(() -> NotebookRunner.cellsToRun(notebook, List.of(1, 1))).isInstanceOf(SpeException.class).hasMessageContaining("twice");
    }

    @Test
    void anEmptyNotebookIsValid() {
        assertThat(Notebook.parse(Notebook.empty().toBytes()).cellCount()).isZero();
    }

    private static void assertInvalid(String json, String message) {
        assertThatThrownBy(() -> Notebook.parse(json.getBytes(StandardCharsets.UTF_8))).isInstanceOf(SpeException.class)
                .hasMessageContaining(message);
    }
}
