package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Pattern;

/** One output of an execution, as published by the kernel on the iopub channel. */
public sealed interface KernelOutput {
    /** Which standard stream a {@link Stream} output was written to. */
    enum StreamName {
        STDOUT,
        STDERR
    }

    /** Text written to stdout or stderr ({@code stream}). */
    record Stream(StreamName name, String text) implements KernelOutput {
        public Stream {
            requireNonNull(name, "name is null");
            requireNonNull(text, "text is null");
        }
    }

    /** A value displayed with {@code display()} ({@code display_data}). */
    record DisplayData(MimeBundle data) implements KernelOutput {
        public DisplayData {
            requireNonNull(data, "data is null");
        }
    }

    /** The value of the cell's last expression ({@code execute_result}). */
    record ExecuteResult(int executionCount, MimeBundle data) implements KernelOutput {
        public ExecuteResult {
            requireNonNull(data, "data is null");
        }
    }

    /** An exception raised by the code ({@code error}). */
    record Error(String ename, String evalue, List<String> traceback) implements KernelOutput {
        private static final Pattern ANSI_ESCAPE = Pattern.compile("\u001b\\[[0-9;]*[A-Za-z]");

        public Error {
            requireNonNull(ename, "ename is null");
            requireNonNull(evalue, "evalue is null");
            traceback = List.copyOf(requireNonNull(traceback, "traceback is null"));
        }

        /** The traceback as plain text: lines joined, terminal colour codes removed. */
        public String plainTraceback() {
            return ANSI_ESCAPE.matcher(String.join("\n", traceback)).replaceAll("");
        }
    }

    /**
     * Marks that the execution's output reached its cap; later output was dropped. Appears at most
     * once per execution, where the dropping began.
     *
     * @param limitBytes the cap that was reached
     */
    record Truncated(long limitBytes) implements KernelOutput {
        public Truncated {
            if (limitBytes < 0) {
                throw new IllegalArgumentException("limitBytes is negative: " + limitBytes);
            }
        }
    }
}
