package org.spe.workspace.notebook;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.spe.core.SpeException;
import org.spe.workspace.kernel.ExecutionResult;
import org.spe.workspace.kernel.ExecutionStatus;
import org.spe.workspace.kernel.KernelOutput;
import org.spe.workspace.kernel.KernelSession;

/**
 * Runs a notebook's code cells one by one in a kernel and writes each cell's outputs and execution
 * count back into the notebook, as Jupyter does. Stops at the first cell that does not end
 * {@link ExecutionStatus#OK} (an error, a timeout, a dead kernel); later cells keep their old
 * outputs. Stateless and thread-safe; {@link #run} blocks while the cells run.
 */
public final class NotebookRunner {
    /** Hears about each cell as it runs, on the calling thread. */
    public interface CellListener {
        /** Before the cell's code is sent to the kernel (audit it here: throwing stops the run, nothing runs). */
        void starting(int cell, String code);

        /** One output of the running cell, in nbformat shape, as the kernel produces it. */
        void output(int cell, ObjectNode output);

        /** The cell has finished. */
        void finished(int cell, ExecutionResult result);
    }

    /** How one cell ended. */
    public record CellRun(int cell, ExecutionStatus status, Optional<Integer> executionCount) {
        public CellRun {
            requireNonNull(status, "status is null");
            requireNonNull(executionCount, "executionCount is null");
        }
    }

    /** The notebook with the new outputs and how each cell that ran ended, in order. */
    public record Run(Notebook notebook, List<CellRun> cells) {
        public Run {
            requireNonNull(notebook, "notebook is null");
            cells = List.copyOf(requireNonNull(cells, "cells is null"));
        }

        /** Whether every cell that was asked for ran and ended OK. */
        public boolean completed() {
            return cells.stream().allMatch(c -> c.status() == ExecutionStatus.OK);
        }
    }

    private NotebookRunner() {}

    /**
     * The cells to run: {@code requested} as given, or every code cell when empty. Checked before
     * anything runs.
     *
     * @throws SpeException INVALID_INPUT for an index out of range, a repeated index or a cell that is not code
     */
    public static List<Integer> cellsToRun(Notebook notebook, List<Integer> requested) {
        requireNonNull(notebook, "notebook is null");
        requireNonNull(requested, "requested is null");
        List<Integer> cells = new ArrayList<>();
        if (requested.isEmpty()) {
            for (int i = 0; i < notebook.cellCount(); i++) {
                if (notebook.cellType(i).equals("code")) {
                    cells.add(i);
                }
            }
            return List.copyOf(cells);
        }
        for (Integer index : requested) {
            if (index == null || index < 0 || index >= notebook.cellCount()) {
                throw SpeException.invalid("Cell %s does not exist; the notebook has cells 0 to %d", index, notebook.cellCount() - 1);
            }
            if (!notebook.cellType(index).equals("code")) {
                throw SpeException.invalid("Cell %d is a %s cell; only code cells run", index, notebook.cellType(index));
            }
            if (cells.contains(index)) {
                throw SpeException.invalid("Cell %d is listed twice", index);
            }
            cells.add(index);
        }
        return List.copyOf(cells);
    }

    /**
     * Runs {@code cells} (from {@link #cellsToRun}) in order in {@code session}, each with
     * {@code timeoutPerCell}.
     */
    public static Run run(Notebook notebook, List<Integer> cells, KernelSession session, Duration timeoutPerCell, CellListener listener) {
        requireNonNull(notebook, "notebook is null");
        requireNonNull(session, "session is null");
        requireNonNull(timeoutPerCell, "timeoutPerCell is null");
        requireNonNull(listener, "listener is null");
        Notebook current = notebook;
        List<CellRun> runs = new ArrayList<>();
        for (int cell : cells) {
            String code = current.source(cell);
            listener.starting(cell, code);
            List<ObjectNode> outputs = new ArrayList<>();
            ExecutionResult result = session.execute(code, timeoutPerCell, (KernelOutput output) -> {
                ObjectNode shaped = NotebookOutputs.toNbformat(output);
                outputs.add(shaped);
                listener.output(cell, shaped.deepCopy());
            });
            current = current.withOutputs(cell, result.executionCount(), outputs);
            listener.finished(cell, result);
            runs.add(new CellRun(cell, result.status(), result.executionCount()));
            if (result.status() != ExecutionStatus.OK) {
                break;
            }
        }
        return new Run(current, runs);
    }
}
