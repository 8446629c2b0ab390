package org.spe.workspace.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.permit.ComputeQuota;
import org.spe.workspace.pool.AdmissionDecision.Limit;

class AdmissionTest {
    /** Two alive workers of 4 cores and 8 GiB; 3 cores and 4 GiB in use; a dead worker that does not count. */
    private static final PoolStatus POOL = new PoolStatus("spark://127.0.0.1:7077", "ALIVE", List.of(
            new WorkerStatus("worker-1", "127.0.0.1", 40001, 4, 3, 8192, 4096, "ALIVE"),
            new WorkerStatus("worker-2", "127.0.0.1", 40002, 4, 0, 8192, 0, "ALIVE"),
            new WorkerStatus("worker-3", "127.0.0.1", 40003, 16, 0, 65536, 0, "DEAD")),
            List.of(new ApplicationStatus("app-1", "workspace-a", 3, 1365, "RUNNING", Instant.EPOCH, Duration.ofMinutes(1), true)));

    private static ComputeQuota quota(int cores, int memoryGb, int gpus) {
        return new ComputeQuota(cores, memoryGb, gpus, 10, 100, 100);
    }

    @Test
    void admitsWhatFits() {
        AdmissionDecision decision = Admission.check(POOL, quota(5, 12, 0), 10, 100);

        assertThat(decision.admitted()).isTrue();
        assertThat(decision.refusals()).isEmpty();
        assertThat(decision.message()).isEqualTo("admitted");
        decision.orThrow();
    }

    @Test
    void refusesMoreCoresThanAreFree() {
        AdmissionDecision decision = Admission.check(POOL, quota(6, 1, 0), 0, 100);

        assertThat(decision.admitted()).isFalse();
        assertThat(decision.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.limit()).isEqualTo(Limit.CORES);
            assertThat(refusal.requested()).isEqualTo(6);
            assertThat(refusal.available()).isEqualTo(5);
            assertThat(refusal.shortfall()).isEqualTo(1);
            assertThat(refusal.message()).isEqualTo("6 cores requested but 5 free (1 short)");
        });
    }

    @Test
    void refusesMoreMemoryThanIsFree() {
        AdmissionDecision decision = Admission.check(POOL, quota(1, 13, 0), 0, 100);

        assertThat(decision.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.limit()).isEqualTo(Limit.MEMORY);
            assertThat(refusal.shortfall()).isEqualTo(1024);
            assertThat(refusal.message()).isEqualTo("13312 MiB memory requested but 12288 MiB free (1024 MiB short)");
        });
    }

    @Test
    void refusesGpusOnAPoolWithout() {
        AdmissionDecision decision = Admission.check(POOL, quota(1, 1, 2), 0, 100);

        assertThat(decision.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.limit()).isEqualTo(Limit.GPUS);
            assertThat(refusal.requested()).isEqualTo(2);
            assertThat(refusal.available()).isZero();
            assertThat(refusal.message()).isEqualTo("2 GPU(s) requested but this pool has no GPUs; ask the operator for a GPU pool");
        });
    }

    @Test
    void refusesWhenTheCpuHourBudgetIsSpent() {
        AdmissionDecision decision = Admission.check(POOL, quota(1, 1, 0), 100.5, 100);

        assertThat(decision.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.limit()).isEqualTo(Limit.CPU_HOURS);
            assertThat(refusal.shortfall()).isEqualTo(0.5);
            assertThat(refusal.message()).isEqualTo("CPU-hour budget spent: 100.50 of 100.00 CPU-hours used");
        });
    }

    @Test
    void aBudgetUsedExactlyUpIsSpent() {
        assertThat(Admission.check(POOL, quota(1, 1, 0), 100, 100).refusals())
                .extracting(AdmissionDecision.Refusal::limit).containsExactly(Limit.CPU_HOURS);
        assertThat(Admission.check(POOL, quota(1, 1, 0), 99.99, 100).admitted()).isTrue();
    }

    @Test
    void namesEveryBrokenLimitInOrderAndThrowsLimitExceeded() {
        AdmissionDecision decision = Admission.check(POOL, quota(8, 16, 1), 7, 5);

        assertThat(decision.refusals()).extracting(AdmissionDecision.Refusal::limit)
                .containsExactly(Limit.GPUS, Limit.CPU_HOURS, Limit.CORES, Limit.MEMORY);
        assertThatThrownBy(decision::orThrow)
                .isInstanceOf(SpeException.class)
                .hasMessage("1 GPU(s) requested but this pool has no GPUs; ask the operator for a GPU pool; "
                        + "CPU-hour budget spent: 7.00 of 5.00 CPU-hours used; "
                        + "8 cores requested but 5 free (3 short); "
                        + "16384 MiB memory requested but 12288 MiB free (4096 MiB short)")
                .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.LIMIT_EXCEEDED);
    }

    @Test
    void refusesEverythingOnAPoolWithoutAliveWorkers() {
        PoolStatus empty = new PoolStatus("spark://127.0.0.1:7077", "ALIVE", List.of(), List.of());

        assertThat(Admission.check(empty, quota(1, 1, 0), 0, 1).refusals()).extracting(AdmissionDecision.Refusal::message)
                .containsExactly("1 cores requested but 0 free (1 short)", "1024 MiB memory requested but 0 MiB free (1024 MiB short)");
    }

    @Test
    void refusesAGpuRequestWhenTheGpuHourBudgetIsSpentButNotACpuOnlyOne() {
        PoolStatus gpuPool = new PoolStatus(POOL.masterUrl(), POOL.state(), POOL.workers(), POOL.applications(), 4, 0);
        ComputeQuota withGpus = new ComputeQuota(1, 1, 1, 10, 100, 20);

        AdmissionDecision spent = Admission.check(gpuPool, withGpus, Admission.BudgetUse.of(withGpus, 3, 20), 0, 0);
        assertThat(spent.refusals()).singleElement().satisfies(refusal -> {
            assertThat(refusal.limit()).isEqualTo(Limit.GPU_HOURS);
            assertThat(refusal.requested()).isEqualTo(20);
            assertThat(refusal.available()).isEqualTo(20);
            assertThat(refusal.message()).isEqualTo("GPU-hour budget spent: 20.00 of 20.00 GPU-hours used");
        });
        assertThat(Admission.check(gpuPool, withGpus, Admission.BudgetUse.of(withGpus, 3, 19.99), 0, 0).admitted()).isTrue();

        ComputeQuota cpuOnly = new ComputeQuota(1, 1, 0, 10, 100, 20);
        assertThat(Admission.check(gpuPool, cpuOnly, Admission.BudgetUse.of(cpuOnly, 3, 25), 0, 0).admitted()).isTrue();
    }

    @Test
    void countsReservedCoresAndMemoryOfASpareDriverAsFree() {
        ComputeQuota quota = quota(7, 14, 0);

        assertThat(Admission.check(POOL, quota, 0, 100).refusals()).extracting(AdmissionDecision.Refusal::limit)
                .containsExactly(Limit.CORES, Limit.MEMORY);
        assertThat(Admission.check(POOL, quota, Admission.BudgetUse.of(quota, 0, 0), 2, 2048).admitted()).isTrue();
    }

    @Test
    void rejectsNegativeHours() {
        assertThatThrownBy(() -> Admission.check(POOL, quota(1, 1, 0), -1, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("CPU-hours must not be negative");
        assertThatThrownBy(() -> Admission.BudgetUse.of(quota(1, 1, 1), 0, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("GPU-hours must not be negative");
    }
}
