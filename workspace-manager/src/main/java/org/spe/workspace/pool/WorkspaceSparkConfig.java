package org.spe.workspace.pool;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.spe.core.permit.ComputeQuota;
import org.spe.workspace.data.LocalSpark;

/**
 * The Spark settings of a workspace's own application on a pool, derived from its permit's
 * {@link ComputeQuota}. Pure and thread-safe.
 *
 * <p>Sizing: executors get at least {@value #MIN_EXECUTOR_MEMORY_MB} MiB per core; as many
 * executors as possible are made (1 core each when memory allows, more cores each when it does
 * not, fewer executors when there are fewer GPUs than that). {@code spark.cores.max} caps the
 * application at the quota's cores; the quota's memory is split evenly over its executors, so
 * executors × {@code spark.executor.memory} never exceeds the quota. GPUs, when the quota has
 * any, are split evenly over executors and found by the discovery script named by
 * {@link #GPU_DISCOVERY_SCRIPT}. Graceful decommission is on, so the pool can drain a worker
 * while the application runs. The web UI is off (a workspace has no network path to it).
 */
public final class WorkspaceSparkConfig {
    /** The least memory an executor gets per core. */
    public static final int MIN_EXECUTOR_MEMORY_MB = 512;
    /** Where Spark's example GPU discovery script lies in the production images. */
    public static final String GPU_DISCOVERY_SCRIPT = "/opt/spark/scripts/getGpusResources.sh";

    private WorkspaceSparkConfig() {}

    /**
     * The settings for a workspace application: pass each to {@code SparkSession.builder().config}.
     *
     * @param quota the permit's quota
     * @param masterUrl the pool's {@link ComputePool#masterUrl()}
     * @param appName the application's name; workspaces use their workspace id, which metering keys on
     * @return an ordered map of Spark settings
     * @throws IllegalArgumentException if the quota's memory is below {@value #MIN_EXECUTOR_MEMORY_MB} MiB
     */
    public static Map<String, String> forQuota(ComputeQuota quota, String masterUrl, String appName) {
        requireNonNull(quota, "quota is null");
        requireNonNull(masterUrl, "masterUrl is null");
        requireNonNull(appName, "appName is null");
        long memoryMb = quota.memoryGb() * 1024L;
        int executors = (int) Math.max(1, Math.min(quota.cores(), memoryMb / MIN_EXECUTOR_MEMORY_MB));
        if (quota.gpus() > 0) {
            executors = Math.min(executors, quota.gpus());
        }
        int executorCores = quota.cores() / executors;
        long executorMemoryMb = memoryMb / executors;

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("spark.master", masterUrl);
        settings.put("spark.app.name", appName);
        settings.put("spark.cores.max", Integer.toString(executors * executorCores));
        settings.put("spark.executor.cores", Integer.toString(executorCores));
        settings.put("spark.executor.memory", executorMemoryMb + "m");
        settings.put("spark.decommission.enabled", "true");
        settings.put("spark.executor.extraJavaOptions", String.join(" ", LocalSpark.ADD_OPENS));
        settings.put("spark.ui.enabled", "false");
        if (quota.gpus() > 0) {
            int gpusPerExecutor = quota.gpus() / executors;
            settings.put("spark.executor.resource.gpu.amount", Integer.toString(gpusPerExecutor));
            settings.put("spark.executor.resource.gpu.discoveryScript", GPU_DISCOVERY_SCRIPT);
            settings.put("spark.task.resource.gpu.amount",
                    String.format(Locale.ROOT, "%.4f", Math.min(1.0, (double) gpusPerExecutor / executorCores)));
        }
        return Collections.unmodifiableMap(settings);
    }
}
