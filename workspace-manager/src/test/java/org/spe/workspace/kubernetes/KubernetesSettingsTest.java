package org.spe.workspace.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.spe.core.permit.ComputeQuota;

class KubernetesSettingsTest {
    @Test
    void namespacesAreLowerCaseDnsLabels() {
        assertThat(KubernetesFixtures.settings().namespace("W-0042")).isEqualTo("spe-ws-w-0042");
        assertThatThrownBy(() -> KubernetesFixtures.settings().namespace("W-" + "9".repeat(60))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not make a valid namespace name");
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> settings("registry.example/spe-workspace:latest", "https://10.100.0.1:443"))
                .hasMessageContaining("image must be pinned by digest");
        assertThatThrownBy(() -> settings(KubernetesFixtures.IMAGE, "https://kubernetes.default.svc"))
                .hasMessageContaining("apiServerUrl must be https:// and an IP address");
        assertThatThrownBy(() -> new KubernetesSettings("SPE", "spe", 8080, "https://10.100.0.1:443", "10.0.0.0/24", KubernetesFixtures.IMAGE,
                Optional.empty(), "nfs", "/spe", 1, 2048, Duration.ofMinutes(1))).hasMessageContaining("namespacePrefix");
        assertThatThrownBy(() -> new KubernetesSettings("spe-ws-", "spe", 8080, "https://10.100.0.1:443", "anywhere", KubernetesFixtures.IMAGE,
                Optional.empty(), "nfs", "/spe", 1, 2048, Duration.ofMinutes(1))).hasMessageContaining("apiServerCidr");
    }

    @Test
    void executorPodsFitTheQuotaMemoryWithTheirOverhead() {
        for (ComputeQuota quota : new ComputeQuota[] {new ComputeQuota(1, 1, 0, 0, 1, 0), new ComputeQuota(8, 4, 0, 0, 1, 0),
                new ComputeQuota(16, 128, 3, 0, 1, 1)}) {
            var conf = KubernetesSparkConfig.forQuota(quota, KubernetesFixtures.settings(), "spe-ws-w-1", "W-1");
            int executors = Integer.parseInt(conf.get("spark.executor.instances"));
            long heap = Long.parseLong(conf.get("spark.executor.memory").replace("m", ""));
            long overhead = Long.parseLong(conf.get("spark.executor.memoryOverhead").replace("m", ""));
            assertThat(executors * (heap + overhead)).as(quota.toString()).isLessThanOrEqualTo(quota.memoryGb() * 1024L);
            assertThat(executors * Integer.parseInt(conf.get("spark.executor.cores"))).isLessThanOrEqualTo(quota.cores());
            if (quota.gpus() > 0) {
                assertThat(executors).isLessThanOrEqualTo(quota.gpus());
            }
        }
    }

    private static KubernetesSettings settings(String image, String apiServerUrl) {
        return new KubernetesSettings("spe-ws-", "spe", 8080, apiServerUrl, "10.0.0.0/24", image, Optional.empty(), "nfs", "/spe", 1, 2048,
                Duration.ofMinutes(1));
    }
}
