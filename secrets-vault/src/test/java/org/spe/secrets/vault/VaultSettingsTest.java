package org.spe.secrets.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class VaultSettingsTest {
    private static final URI ADDRESS = URI.create("https://vault.example:8200/");

    @Test
    void eachAuthenticationNeedsItsCredentials() {
        assertThat(VaultSettings.appRole(ADDRESS, "role", Path.of("/etc/spe/secret-id")).authMount()).isEqualTo("approle");
        assertThat(VaultSettings.kubernetes(ADDRESS, "spe-server", Path.of("/var/run/token")).authMount()).isEqualTo("kubernetes");
        assertThatThrownBy(() -> VaultSettings.appRole(ADDRESS, " ", Path.of("/etc/spe/secret-id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roleId");
        assertThatThrownBy(() -> VaultSettings.kubernetes(ADDRESS, "", Path.of("/var/run/token")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kubernetesRole");
        assertThatThrownBy(() -> VaultSettings.tokenFile(ADDRESS, Path.of("")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenFile");
    }

    @Test
    void addressMountPrefixAndTimeoutAreChecked() {
        assertThat(VaultSettings.tokenFile(ADDRESS, Path.of("/t")).baseAddress()).isEqualTo("https://vault.example:8200");
        assertThatThrownBy(() -> VaultSettings.tokenFile(URI.create("vault.example:8200"), Path.of("/t")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)://host:port");
        assertThatThrownBy(() -> VaultSettings.tokenFile(ADDRESS, Path.of("/t")).withPathPrefix("../spe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pathPrefix");
        assertThatThrownBy(() -> VaultSettings.tokenFile(ADDRESS, Path.of("/t")).withTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeoutSeconds");
    }
}
