package org.spe.workspace.kubernetes;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.spe.core.permit.ComputeQuota;
import org.spe.workspace.data.LocalSpark;
import org.spe.workspace.pool.WorkspaceSparkConfig;

/**
 * The Spark settings of a workspace's own application on Kubernetes (spark-kubernetes, client
 * mode): the driver runs in the workspace's notebook pod and asks the API server for executor
 * pods in the workspace's namespace. Derived from the permit's {@link ComputeQuota}. Pure and
 * thread-safe.
 *
 * <p>Sizing: one executor pod per core while each pod gets at least {@value #MIN_POD_MEMORY_MB}
 * MiB, fewer (with more cores each) when memory is short, and no more executors than GPUs when the
 * quota has GPUs. A pod's memory is {@code spark.executor.memory} plus an explicit overhead (10%,
 * at least 384 MiB), so executors × pod memory never exceeds the quota's memory and the namespace's
 * ResourceQuota admits them all. GPU executors ask for {@code nvidia.com/gpu} and land on the GPU
 * node pool.
 */
public final class KubernetesSparkConfig {
    /** The least memory an executor pod gets. */
    public static final int MIN_POD_MEMORY_MB = 1024;
    /** Where the executor pod template lies in the notebook pod (from the workspace's ConfigMap). */
    public static final String CONF_DIRECTORY = "/opt/spark/conf";
    /** The executor pod template's file name in {@link #CONF_DIRECTORY}. */
    public static final String EXECUTOR_TEMPLATE = "executor-pod-template.yaml";
    /** The notebook pod's name, which is also the Spark driver's pod: executors are owned by it. */
    public static final String DRIVER_POD = "notebook";
    /** The service account the driver uses for executor pods. */
    public static final String SERVICE_ACCOUNT = "workspace";
    /** The node label that names a node's pool ({@code cpu} or {@code gpu}). */
    public static final String POOL_LABEL = "spe.org/pool";

    private KubernetesSparkConfig() {}

    /** How many executor pods a quota gets. */
    public static int executors(ComputeQuota quota) {
        requireNonNull(quota, "quota is null");
        long memoryMb = quota.memoryGb() * 1024L;
        int executors = (int) Math.max(1, Math.min(quota.cores(), memoryMb / MIN_POD_MEMORY_MB));
        if (quota.gpus() > 0) {
            executors = Math.min(executors, quota.gpus());
        }
        return executors;
    }

    /**
     * The settings for a workspace application, written to the workspace's {@code spark-defaults.conf}.
     *
     * @param quota the permit's quota
     * @param settings the cluster settings (API server, image)
     * @param namespace the workspace's namespace
     * @param appName the application's name; workspaces use their workspace id, which metering keys on
     * @return an ordered map of Spark settings
     */
    public static Map<String, String> forQuota(ComputeQuota quota, KubernetesSettings settings, String namespace, String appName) {
        requireNonNull(quota, "quota is null");
        requireNonNull(settings, "settings is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(appName, "appName is null");
        int executors = executors(quota);
        int executorCores = quota.cores() / executors;
        long podMemoryMb = quota.memoryGb() * 1024L / executors;
        long overheadMb = Math.max(384, podMemoryMb / 10);
        long heapMb = podMemoryMb - overheadMb;

        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.master", "k8s://" + settings.apiServerUrl());
        conf.put("spark.submit.deployMode", "client");
        conf.put("spark.app.name", appName);
        conf.put("spark.kubernetes.namespace", namespace);
        conf.put("spark.kubernetes.container.image", settings.image());
        conf.put("spark.kubernetes.container.image.pullPolicy", "IfNotPresent");
        conf.put("spark.kubernetes.driver.pod.name", DRIVER_POD);
        conf.put("spark.kubernetes.authenticate.driver.serviceAccountName", SERVICE_ACCOUNT);
        conf.put("spark.kubernetes.authenticate.caCertFile", "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
        conf.put("spark.kubernetes.authenticate.oauthTokenFile", "/var/run/secrets/kubernetes.io/serviceaccount/token");
        conf.put("spark.kubernetes.executor.podTemplateFile", CONF_DIRECTORY + "/" + EXECUTOR_TEMPLATE);
        conf.put("spark.kubernetes.executor.deleteOnTermination", "true");
        conf.put("spark.kubernetes.executor.label.spe.org/workspace", appName);
        conf.put("spark.kubernetes.node.selector." + POOL_LABEL, quota.gpus() > 0 ? "gpu" : "cpu");
        conf.put("spark.dynamicAllocation.enabled", "false");
        conf.put("spark.executor.instances", Integer.toString(executors));
        conf.put("spark.executor.cores", Integer.toString(executorCores));
        conf.put("spark.kubernetes.executor.request.cores", Integer.toString(executorCores));
        conf.put("spark.kubernetes.executor.limit.cores", Integer.toString(executorCores));
        conf.put("spark.executor.memory", heapMb + "m");
        conf.put("spark.executor.memoryOverhead", overheadMb + "m");
        conf.put("spark.decommission.enabled", "true");
        conf.put("spark.executor.extraJavaOptions", String.join(" ", LocalSpark.ADD_OPENS));
        conf.put("spark.ui.enabled", "false");
        if (quota.gpus() > 0) {
            int gpusPerExecutor = quota.gpus() / executors;
            conf.put("spark.executor.resource.gpu.amount", Integer.toString(gpusPerExecutor));
            conf.put("spark.executor.resource.gpu.vendor", "nvidia.com");
            conf.put("spark.executor.resource.gpu.discoveryScript", WorkspaceSparkConfig.GPU_DISCOVERY_SCRIPT);
            conf.put("spark.task.resource.gpu.amount",
                    String.format(Locale.ROOT, "%.4f", Math.min(1.0, (double) gpusPerExecutor / executorCores)));
        }
        return Collections.unmodifiableMap(conf);
    }

    /** The settings as a {@code spark-defaults.conf} file: one {@code key value} line each. */
    public static String defaultsFile(Map<String, String> conf) {
        StringBuilder file = new StringBuilder("# Written by the SPE platform for this workspace; do not edit.\n");
        conf.forEach((key, value) -> file.append(key).append(' ').append(value).append('\n'));
        return file.toString();
    }
}
