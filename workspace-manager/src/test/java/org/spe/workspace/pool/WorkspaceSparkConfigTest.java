package org.spe.workspace.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.spe.core.permit.ComputeQuota;
import org.spe.workspace.data.LocalSpark;

class WorkspaceSparkConfigTest {
    private static Map<String, String> settings(int cores, int memoryGb, int gpus) {
        return WorkspaceSparkConfig.forQuota(new ComputeQuota(cores, memoryGb, gpus, 10, 100, 10), "spark://127.0.0.1:7077", "ws-1");
    }

    @Test
    void capsCoresAndSplitsMemoryOverOneCoreExecutors() {
        Map<String, String> settings = settings(4, 8, 0);

        assertThat(settings).containsEntry("spark.master", "spark://127.0.0.1:7077")
                .containsEntry("spark.app.name", "ws-1")
                .containsEntry("spark.cores.max", "4")
                .containsEntry("spark.executor.cores", "1")
                .containsEntry("spark.executor.memory", "2048m")
                .containsEntry("spark.decommission.enabled", "true")
                .containsEntry("spark.ui.enabled", "false")
                .containsEntry("spark.executor.extraJavaOptions", String.join(" ", LocalSpark.ADD_OPENS))
                .doesNotContainKeys("spark.executor.resource.gpu.amount", "spark.executor.resource.gpu.discoveryScript");
    }

    @Test
    void theTestPoolsQuotaGivesTwoExecutorsOf512MiB() {
        assertThat(settings(2, 1, 0)).containsEntry("spark.cores.max", "2")
                .containsEntry("spark.executor.cores", "1")
                .containsEntry("spark.executor.memory", "512m");
    }

    @Test
    void scarceMemoryMakesFewerWiderExecutorsWithinTheQuota() {
        // 8 cores but 1 GiB: two executors of 4 cores and 512 MiB, never more memory than the quota.
        assertThat(settings(8, 1, 0)).containsEntry("spark.cores.max", "8")
                .containsEntry("spark.executor.cores", "4")
                .containsEntry("spark.executor.memory", "512m");
        // 3 cores and 1 GiB: two executors of 1 core; the third core is not usable without exceeding memory.
        assertThat(settings(3, 1, 0)).containsEntry("spark.cores.max", "2")
                .containsEntry("spark.executor.cores", "1")
                .containsEntry("spark.executor.memory", "512m");
    }

    @Test
    void executorsTimesMemoryNeverExceedsTheQuota() {
        for (int cores = 1; cores <= 16; cores++) {
            for (int memoryGb = 1; memoryGb <= 16; memoryGb++) {
                Map<String, String> settings = settings(cores, memoryGb, 0);
                int maxCores = Integer.parseInt(settings.get("spark.cores.max"));
                int executorCores = Integer.parseInt(settings.get("spark.executor.cores"));
                long executorMemoryMb = Long.parseLong(settings.get("spark.executor.memory").replace("m", ""));
                assertThat(maxCores).as("cores %d memory %d", cores, memoryGb).isBetween(1, cores);
                assertThat(maxCores % executorCores).isZero();
                assertThat(maxCores / executorCores * executorMemoryMb).isLessThanOrEqualTo(memoryGb * 1024L);
                assertThat(executorMemoryMb).isGreaterThanOrEqualTo(WorkspaceSparkConfig.MIN_EXECUTOR_MEMORY_MB);
            }
        }
    }

    @Test
    void gpusAreSplitOverExecutorsWithADiscoveryScript() {
        Map<String, String> settings = settings(4, 8, 2);

        assertThat(settings).containsEntry("spark.cores.max", "4")
                .containsEntry("spark.executor.cores", "2")
                .containsEntry("spark.executor.memory", "4096m")
                .containsEntry("spark.executor.resource.gpu.amount", "1")
                .containsEntry("spark.executor.resource.gpu.discoveryScript", WorkspaceSparkConfig.GPU_DISCOVERY_SCRIPT)
                .containsEntry("spark.task.resource.gpu.amount", "0.5000");
    }
}
