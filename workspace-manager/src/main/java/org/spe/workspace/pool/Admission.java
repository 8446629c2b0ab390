package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spe.core.permit.ComputeQuota;
import org.spe.workspace.pool.AdmissionDecision.Limit;
import org.spe.workspace.pool.AdmissionDecision.Refusal;

/**
 * Decides whether a workspace's Spark application, asking for its permit's {@link ComputeQuota},
 * may start on a pool now. A pure function of its arguments: thread-safe, non-blocking.
 *
 * <p>Free cores and memory are totals over alive workers; an application whose executors do not
 * fit on one worker may still wait for cores after admission (Spark then runs it with fewer).
 */
public final class Admission {
    private Admission() {}

    /**
     * Checks a request against the pool and the permit's CPU-hour budget (GPU-hours: the request's
     * own {@link ComputeQuota#gpuHours()} budget, none used).
     *
     * @param pool the pool now
     * @param requested the quota the application would run with
     * @param cpuHoursUsed CPU-hours the permit has used so far
     * @param cpuHoursBudget CPU-hours the permit may use in total
     * @return every limit the request breaks (GPUs, CPU-hours, cores, memory), or none
     * @throws IllegalArgumentException if the hours are negative
     */
    public static AdmissionDecision check(PoolStatus pool, ComputeQuota requested, double cpuHoursUsed, double cpuHoursBudget) {
        requireNonNull(requested, "requested is null");
        return check(pool, requested, new BudgetUse(cpuHoursUsed, cpuHoursBudget, 0, requested.gpuHours()), 0, 0);
    }

    /**
     * Checks a request against the pool and the permit's CPU-hour and GPU-hour budgets, with cores
     * and memory that the pool shows as used but that the request would take over (a waiting spare
     * driver's executors) counted as free. The GPU-hour budget only stops requests that ask for GPUs.
     *
     * @param budgets what the permit has used of its hour budgets, and the budgets
     * @param reservedCores cores held for this request (not negative)
     * @param reservedMemoryMb memory (MiB) held for this request (not negative)
     * @return every limit the request breaks (GPUs, CPU-hours, GPU-hours, cores, memory), or none
     */
    public static AdmissionDecision check(PoolStatus pool, ComputeQuota requested, BudgetUse budgets,
            int reservedCores, long reservedMemoryMb) {
        requireNonNull(pool, "pool is null");
        requireNonNull(requested, "requested is null");
        requireNonNull(budgets, "budgets is null");
        if (reservedCores < 0 || reservedMemoryMb < 0) {
            throw new IllegalArgumentException("reserved cores and memory must not be negative");
        }
        List<Refusal> refusals = new ArrayList<>();
        if (requested.gpus() > pool.totalGpus()) {
            refusals.add(new Refusal(Limit.GPUS, requested.gpus(), pool.totalGpus(), pool.totalGpus() == 0
                    ? String.format(Locale.ROOT, "%d GPU(s) requested but this pool has no GPUs; ask the operator for a GPU pool", requested.gpus())
                    : String.format(Locale.ROOT, "%d GPU(s) requested but this pool has %d", requested.gpus(), pool.totalGpus())));
        }
        if (budgets.cpuHoursUsed() >= budgets.cpuHoursBudget()) {
            refusals.add(new Refusal(Limit.CPU_HOURS, budgets.cpuHoursUsed(), budgets.cpuHoursBudget(), String.format(Locale.ROOT,
                    "CPU-hour budget spent: %.2f of %.2f CPU-hours used", budgets.cpuHoursUsed(), budgets.cpuHoursBudget())));
        }
        if (requested.gpus() > 0 && budgets.gpuHoursUsed() >= budgets.gpuHoursBudget()) {
            refusals.add(new Refusal(Limit.GPU_HOURS, budgets.gpuHoursUsed(), budgets.gpuHoursBudget(), String.format(Locale.ROOT,
                    "GPU-hour budget spent: %.2f of %.2f GPU-hours used", budgets.gpuHoursUsed(), budgets.gpuHoursBudget())));
        }
        int freeCores = pool.freeCores() + reservedCores;
        if (requested.cores() > freeCores) {
            refusals.add(new Refusal(Limit.CORES, requested.cores(), freeCores, String.format(Locale.ROOT,
                    "%d cores requested but %d free (%d short)", requested.cores(), freeCores, requested.cores() - freeCores)));
        }
        long memoryMb = requested.memoryGb() * 1024L;
        long freeMemoryMb = pool.freeMemoryMb() + reservedMemoryMb;
        if (memoryMb > freeMemoryMb) {
            refusals.add(new Refusal(Limit.MEMORY, memoryMb, freeMemoryMb, String.format(Locale.ROOT,
                    "%d MiB memory requested but %d MiB free (%d MiB short)", memoryMb, freeMemoryMb, memoryMb - freeMemoryMb)));
        }
        return new AdmissionDecision(refusals);
    }

    /**
     * What a permit has used of its CPU-hour and GPU-hour budgets, and the budgets.
     *
     * @throws IllegalArgumentException if any figure is negative or not a number
     */
    public record BudgetUse(double cpuHoursUsed, double cpuHoursBudget, double gpuHoursUsed, double gpuHoursBudget) {
        public BudgetUse {
            if (!(cpuHoursUsed >= 0 && cpuHoursBudget >= 0)) {
                throw new IllegalArgumentException("CPU-hours must not be negative");
            }
            if (!(gpuHoursUsed >= 0 && gpuHoursBudget >= 0)) {
                throw new IllegalArgumentException("GPU-hours must not be negative");
            }
        }

        /** The permit's budgets from its quota, with what it has used. */
        public static BudgetUse of(ComputeQuota quota, double cpuHoursUsed, double gpuHoursUsed) {
            return new BudgetUse(cpuHoursUsed, quota.cpuHours(), gpuHoursUsed, quota.gpuHours());
        }
    }
}
