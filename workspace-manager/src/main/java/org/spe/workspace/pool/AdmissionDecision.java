package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.stream.Collectors;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * The answer of {@link Admission#check}: admitted, or refused with every limit that stops it.
 *
 * @param refusals each limit the request breaks, in the order GPUs, CPU-hours, GPU-hours, cores, memory; empty when admitted
 */
public record AdmissionDecision(List<Refusal> refusals) {
    public AdmissionDecision {
        refusals = List.copyOf(requireNonNull(refusals, "refusals is null"));
    }

    /** Which limit a refusal names. */
    public enum Limit {
        /** GPUs requested that the pool does not have. */
        GPUS,
        /** The permit's CPU-hour budget is spent. */
        CPU_HOURS,
        /** The permit's GPU-hour budget is spent (only for requests with GPUs). */
        GPU_HOURS,
        /** Not enough free cores in the pool now. */
        CORES,
        /** Not enough free memory in the pool now. */
        MEMORY
    }

    /**
     * One broken limit.
     *
     * @param limit which limit
     * @param requested what was asked (GPUs, CPU- or GPU-hours used, cores, or MiB)
     * @param available what there is (GPUs, the CPU- or GPU-hour budget, free cores, or free MiB)
     * @param message a sentence for the researcher and operator, with the numbers
     */
    public record Refusal(Limit limit, double requested, double available, String message) {
        public Refusal {
            requireNonNull(limit, "limit is null");
            requireNonNull(message, "message is null");
        }

        /** By how much the request exceeds what there is. */
        public double shortfall() {
            return requested - available;
        }
    }

    /** Whether the application may start now. */
    public boolean admitted() {
        return refusals.isEmpty();
    }

    /** The refusals' messages joined with "; ", or "admitted". */
    public String message() {
        return admitted() ? "admitted" : refusals.stream().map(Refusal::message).collect(Collectors.joining("; "));
    }

    /**
     * Throws when refused: {@link ErrorCategory#LIMIT_EXCEEDED} with {@link #message()}.
     *
     * @throws SpeException if not admitted
     */
    public void orThrow() {
        if (!admitted()) {
            throw new SpeException(ErrorCategory.LIMIT_EXCEEDED, message());
        }
    }
}
