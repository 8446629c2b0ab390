package org.spe.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md documents every setting, with its environment variable. */
class ConfigurationDocTest {
    @Test
    void everySettingIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (String path : ConfigLoader.leafPaths(ConfigLoader.defaults()).keySet()) {
            assertThat(doc).as(path).contains("| `" + path + "` | `" + ConfigLoader.environmentName(path) + "` |");
        }
    }
}
