package org.spe.output.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

class DirectoryOutputFilesTest {
    @TempDir
    Path root;
    private DirectoryOutputFiles files;
    private Path outputs;

    @BeforeEach
    void setUp() throws IOException {
        files = new DirectoryOutputFiles(root);
        outputs = Files.createDirectories(files.outputs("ws-1"));
        Files.writeString(outputs.resolve("table.csv"), "a,b\n1,2\n");
        Files.createDirectories(outputs.resolve("figures"));
        Files.writeString(outputs.resolve("figures/plot.txt"), "text");
        Files.writeString(root.resolve("secret.txt"), "outside outputs");
    }

    @Test
    void listsRegularFilesAndOpensThem() throws IOException {
        assertThat(files.list("ws-1")).containsExactly(new OutputFile("figures/plot.txt", 4), new OutputFile("table.csv", 8));
        try (InputStream in = files.open("ws-1", "figures/plot.txt")) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("text");
        }
    }

    @Test
    void refusesSymbolicLinksToFilesAndThroughDirectories() throws IOException {
        Files.createSymbolicLink(outputs.resolve("link.txt"), root.resolve("secret.txt"));
        Files.createSymbolicLink(outputs.resolve("linked-dir"), root);
        assertThat(files.list("ws-1")).extracting(OutputFile::relativePath).containsExactly("figures/plot.txt", "table.csv");
        assertThatThrownBy(() -> files.open("ws-1", "link.txt")).isInstanceOf(SpeException.class)
                .hasMessageContaining("File 'link.txt': symbolic links are not followed");
        assertThatThrownBy(() -> files.open("ws-1", "linked-dir/secret.txt")).isInstanceOf(SpeException.class)
                .hasMessageContaining("symbolic links are not followed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../secret.txt", "figures/../../secret.txt", "/etc/passwd", "./table.csv", "figures//plot.txt", "C:\\x.csv", "a\\..\\b"})
    void refusesTraversalAndAbsolutePaths(String path) {
        assertThatThrownBy(() -> files.open("ws-1", path)).isInstanceOf(SpeException.class)
                .hasMessageContaining("File '")
                .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT);
    }

    @Test
    void aMissingFileIsNotFoundAndADirectoryIsNoFile() {
        assertThatThrownBy(() -> files.open("ws-1", "nope.csv")).isInstanceOf(SpeException.class)
                .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.NOT_FOUND);
        assertThatThrownBy(() -> files.open("ws-1", "figures")).isInstanceOf(SpeException.class)
                .hasMessageContaining("File 'figures' is not a regular file");
        assertThatThrownBy(() -> files.open("../ws-1", "table.csv")).isInstanceOf(SpeException.class)
                .hasMessageContaining("is not a workspace id");
    }
}
