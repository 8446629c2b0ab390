package org.spe.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.SpeException;
import org.spe.core.json.Json;

class ConfigLoaderTest {
    @Test
    void defaults() {
        SpeConfig config = ConfigLoader.load(Optional.empty(), Map.of(), Map.of());
        assertThat(config.server()).isEqualTo(new SpeConfig.Server("127.0.0.1", 8080, true));
        assertThat(config.dataDir()).isEqualTo("./spe-data");
        assertThat(config.database().embedded()).isTrue();
        assertThat(config.accounts().toSettings()).isEqualTo(org.spe.core.account.AccountSettings.defaults());
        assertThat(config.demo()).isEqualTo(new SpeConfig.Demo(true, 100_000, 42));
    }

    @Test
    void everySettingCanBeSetFromTheEnvironment() {
        Map<String, String> leaves = ConfigLoader.leafPaths(ConfigLoader.defaults());
        assertThat(leaves).hasSizeGreaterThan(15);
        for (Map.Entry<String, String> leaf : leaves.entrySet()) {
            String changed = changedValue(leaf.getKey(), leaf.getValue());
            Map<String, String> environment = new java.util.HashMap<>(Map.of(ConfigLoader.environmentName(leaf.getKey()), changed));
            if (leaf.getKey().equals("secrets.backend")) {
                environment.put("SPE_SECRETS_VAULT_ADDRESS", "https://vault.example:8200"); // the vault backend needs its address
            }
            if (leaf.getKey().equals("workspaces.backend")) {
                // the kubernetes backend needs its cluster settings too
                KUBERNETES.forEach(environment::putIfAbsent);
            }
            if (leaf.getKey().equals("workspaces.kubernetes.clientTokenFile") || leaf.getKey().equals("workspaces.kubernetes.clientCaFile")) {
                environment.put("SPE_WORKSPACES_KUBERNETES_CLIENT_URL", "https://10.100.0.1:443"); // they go with an explicit API address
            }
            SpeConfig config = ConfigLoader.load(Optional.empty(), environment, Map.of());
            JsonNode node = Json.mapper().valueToTree(config);
            for (String part : leaf.getKey().split("\\.")) {
                node = node.get(part);
            }
            assertThat(node.asText()).as(leaf.getKey() + " via " + ConfigLoader.environmentName(leaf.getKey())).isEqualTo(changed);
        }
    }

    @Test
    void environmentNamesAreUpperSnakeCase() {
        assertThat(ConfigLoader.environmentName("server.port")).isEqualTo("SPE_SERVER_PORT");
        assertThat(ConfigLoader.environmentName("accounts.maxFailedLogins")).isEqualTo("SPE_ACCOUNTS_MAX_FAILED_LOGINS");
        assertThat(ConfigLoader.environmentName("dataDir")).isEqualTo("SPE_DATA_DIR");
    }

    @Test
    void theFileOverridesDefaultsAndUnknownKeysAreErrors(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("spe.yaml");
        Files.writeString(file, "server:\n  port: 9090\n");
        assertThat(ConfigLoader.load(Optional.of(file), Map.of(), Map.of()).server().port()).isEqualTo(9090);
        Files.writeString(file, "server:\n  prot: 9090\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("Unknown setting server.prot");
    }

    @Test
    void wrongTypesAndRangesAreErrorsThatNameTheSetting() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_SERVER_PORT", "eighty"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_SERVER_PORT", "70000"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("server.port must be 0..65535");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_DATABASE_URL", "mysql://x"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("database.url");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_SECRETS_BACKEND", "vault"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("secrets.vault.address is required");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_SECRETS_BACKEND", "vault", "SPE_SECRETS_VAULT_ADDRESS",
                "https://vault.example:8200", "SPE_SECRETS_VAULT_AUTH", "approle"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("secrets.vault.roleId, secretIdFile and authMount are required");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_SECRETS_BACKEND", "keyring"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("secrets.backend must be local or vault");
    }

    /** A complete, valid Kubernetes backend. */
    private static final Map<String, String> KUBERNETES = Map.of("SPE_WORKSPACES_BACKEND", "kubernetes",
            "SPE_WORKSPACES_KUBERNETES_API_SERVER_URL", "https://10.100.0.1:443", "SPE_WORKSPACES_KUBERNETES_API_SERVER_CIDR", "10.0.0.0/24",
            "SPE_WORKSPACES_KUBERNETES_IMAGE", "registry.example/spe-workspace@sha256:" + "0".repeat(64),
            "SPE_WORKSPACES_KUBERNETES_EXTRACT_NFS_SERVER", "fs-1.efs.ap-northeast-1.amazonaws.com");

    @Test
    void theKubernetesBackendIsCheckedAtStartupNamingTheSetting() {
        SpeConfig config = ConfigLoader.load(Optional.empty(), KUBERNETES, Map.of());
        assertThat(config.workspaces().onKubernetes()).isTrue();
        assertThat(config.workspaces().kubernetes().toSettings().namespace("W-0001")).isEqualTo("spe-ws-w-0001");
        var unpinned = new java.util.HashMap<>(KUBERNETES);
        unpinned.put("SPE_WORKSPACES_KUBERNETES_IMAGE", "registry.example/spe-workspace:latest");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), unpinned, Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("workspaces.kubernetes.image must be pinned by digest");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_WORKSPACES_BACKEND", "kubernetes"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("workspaces.kubernetes.");
        var tokenWithoutUrl = new java.util.HashMap<>(KUBERNETES);
        tokenWithoutUrl.put("SPE_WORKSPACES_KUBERNETES_CLIENT_TOKEN_FILE", "/var/run/spe/token");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), tokenWithoutUrl, Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("clientTokenFile and clientCaFile need workspaces.kubernetes.clientUrl");
        var badUrl = new java.util.HashMap<>(KUBERNETES);
        badUrl.put("SPE_WORKSPACES_KUBERNETES_CLIENT_URL", "kubernetes.default");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), badUrl, Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("workspaces.kubernetes.clientUrl must be empty or http(s)://");
        var plainRemote = new java.util.HashMap<>(KUBERNETES);
        plainRemote.put("SPE_WORKSPACES_KUBERNETES_CLIENT_URL", "http://10.100.0.1:80");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), plainRemote, Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("must use https:// (plain http only to localhost)");
        var plainLocal = new java.util.HashMap<>(KUBERNETES);
        plainLocal.put("SPE_WORKSPACES_KUBERNETES_CLIENT_URL", "http://127.0.0.1:8001");
        assertThat(ConfigLoader.load(Optional.empty(), plainLocal, Map.of()).workspaces().kubernetes().clientUrl()).isEqualTo("http://127.0.0.1:8001");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_WORKSPACES_BACKEND", "docker"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("workspaces.backend must be embedded or kubernetes");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("SPE_WORKSPACES_KUBERNETES_GPU_POOL", "gpu"), Map.of()))
                .isInstanceOf(SpeException.class).hasMessageContaining("<namespace>/<MachineDeployment name>");
    }

    private static String changedValue(String path, String value) {
        if (path.equals("workspaces.backend")) {
            return "kubernetes";
        }
        if (path.equals("workspaces.kubernetes.cpuPool") || path.equals("workspaces.kubernetes.gpuPool")) {
            return "capi-system/spe-pool";
        }
        if (path.equals("desktop.connector")) {
            return "guacd";
        }
        if (value.equals("true") || value.equals("false")) {
            return value.equals("true") ? "false" : "true";
        }
        if (value.matches("\\d+")) {
            return Long.toString(Long.parseLong(value) + 1);
        }
        if (path.equals("secrets.backend")) {
            return "vault";
        }
        if (path.equals("compute.bindAddress")) {
            return "10.0.0.5";
        }
        if (path.equals("secrets.vault.auth")) {
            return "approle";
        }
        if (path.equals("workspaces.kubernetes.clientUrl")) {
            return "https://10.100.0.1:443";
        }
        if (path.equals("database.url")) {
            return "jdbc:postgresql://db.example:5432/spe";
        }
        return value + "-changed";
    }
}
