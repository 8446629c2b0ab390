package org.spe.workspace.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KernelClientConfigTest {
    @Test
    void defaults() {
        KernelClientConfig config = KernelClientConfig.defaults();

        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.maxOutputBytesPerExecution()).isEqualTo(1024 * 1024);
        assertThat(config.maxMessageChars()).isEqualTo(64 * 1024 * 1024);
        assertThat(config.interruptGrace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.username()).isEqualTo("spe");
        assertThat(config.withMaxOutputBytesPerExecution(4096).maxOutputBytesPerExecution()).isEqualTo(4096);
    }

    @Test
    void serverDefaultsUseDebiansPrograms() {
        JupyterServerSettings settings = JupyterServerSettings.defaults(Path.of("/var/lib/spe/run"));

        assertThat(settings.jupyterServer()).isEqualTo(Path.of("/usr/bin/jupyter-server"));
        assertThat(settings.python()).isEqualTo(Path.of("/usr/bin/python3"));
        assertThat(settings.startTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.client()).isEqualTo(KernelClientConfig.defaults());
    }

    @Test
    void rejectsUnusableValues() {
        assertThatThrownBy(() -> new KernelClientConfig(Duration.ZERO, 4096, 4096, Duration.ZERO, "spe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestTimeout must be positive");
        assertThatThrownBy(() -> new KernelClientConfig(Duration.ofSeconds(1), 10, 4096, Duration.ZERO, "spe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1024");
        assertThatThrownBy(() -> new KernelClientConfig(Duration.ofSeconds(1), 4096, 2048, Duration.ZERO, "spe"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxMessageChars");
        assertThatThrownBy(() -> new JupyterServerSettings(Path.of("jupyter-server"), Path.of("/usr/bin/python3"),
                Path.of("/run"), Duration.ofSeconds(1), KernelClientConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    }
}
