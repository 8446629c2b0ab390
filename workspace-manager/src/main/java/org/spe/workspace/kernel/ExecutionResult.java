package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link KernelSession#execute}.
 *
 * @param status how it ended
 * @param executionCount the kernel's execution counter for it, when the kernel replied
 * @param outputs the outputs in the order published, after the output cap
 * @param truncated whether output was dropped by the cap (then {@code outputs} holds a
 *     {@link KernelOutput.Truncated} marker)
 * @param elapsed wall time from sending the request to the end
 */
public record ExecutionResult(
        ExecutionStatus status,
        Optional<Integer> executionCount,
        List<KernelOutput> outputs,
        boolean truncated,
        Duration elapsed) {
    public ExecutionResult {
        requireNonNull(status, "status is null");
        requireNonNull(executionCount, "executionCount is null");
        outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
        requireNonNull(elapsed, "elapsed is null");
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("elapsed is negative: " + elapsed);
        }
    }

    /** The {@code text/plain} of the execute result, if the last expression had a value. */
    public Optional<String> resultText() {
        return outputs.stream()
                .filter(KernelOutput.ExecuteResult.class::isInstance)
                .map(output -> ((KernelOutput.ExecuteResult) output).data().text())
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** Everything written to stdout, concatenated. */
    public String stdout() {
        StringBuilder text = new StringBuilder();
        for (KernelOutput output : outputs) {
            if (output instanceof KernelOutput.Stream stream && stream.name() == KernelOutput.StreamName.STDOUT) {
                text.append(stream.text());
            }
        }
        return text.toString();
    }

    /** The error raised, if any. */
    public Optional<KernelOutput.Error> error() {
        return outputs.stream()
                .filter(KernelOutput.Error.class::isInstance)
                .map(KernelOutput.Error.class::cast)
                .findFirst();
    }
}
