package org.spe.workspace.notebook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

class NotebookStoreTest {
    @TempDir
    Path root;
    private Path home;
    private Path elsewhere;
    private NotebookStore store;
    private final byte[] valid = NotebookTest.VALID.getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(root.resolve("W-1/home"));
        elsewhere = Files.createDirectories(root.resolve("W-2/home"));
        Files.write(elsewhere.resolve("secret.ipynb"), valid);
        store = new NotebookStore(home, 64 * 1024);
    }

    @Test
    void savesListsAndOpensNotebooks() throws IOException {
        Files.createDirectories(home.resolve("study"));
        store.save("analysis.ipynb", valid);
        store.save("study/models.ipynb", valid);
        Files.writeString(home.resolve("notes.txt"), "not a notebook");
        Files.createDirectories(home.resolve(".ipynb_checkpoints"));
        Files.write(home.resolve(".ipynb_checkpoints/analysis-checkpoint.ipynb"), valid);

        assertThat(store.list()).extracting(NotebookEntry::path).containsExactly("analysis.ipynb", "study/models.ipynb");
        assertThat(store.open("study/models.ipynb").cellCount()).isEqualTo(3);
        assertThat(Files.list(home).map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
    }

    @Test
    void refusesPathsOutsideTheHomeAndNamesThatAreNotNotebooks() {
        for (String path : new String[] {"../W-2/home/secret.ipynb", "/etc/passwd.ipynb", "study/../../x.ipynb", "a//b.ipynb", "notes.txt",
                ".ipynb", ".hidden/x.ipynb", "x.ipynb/", "a\\b.ipynb", "~/x.ipynb", ""}) {
            assertThatThrownBy(() -> store.open(path)).as(path).isInstanceOf(SpeException.class)
                    .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.INVALID_INPUT);
            assertThatThrownBy(() -> store.save(path, valid)).as(path).isInstanceOf(SpeException.class);
        }
        assertThat(home.getParent().resolve("x.ipynb")).doesNotExist();
    }

    @Test
    void refusesSymbolicLinksToOtherWorkspaces() throws IOException {
        Files.createSymbolicLink(home.resolve("linked.ipynb"), elsewhere.resolve("secret.ipynb"));
        Files.createSymbolicLink(home.resolve("other"), elsewhere);

        assertThatThrownBy(() -> store.open("linked.ipynb")).isInstanceOf(SpeException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> store.open("other/secret.ipynb")).isInstanceOf(SpeException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> store.save("other/new.ipynb", valid)).isInstanceOf(SpeException.class).hasMessageContaining("symbolic link");
        assertThat(store.list()).isEmpty();
        assertThat(elsewhere.resolve("new.ipynb")).doesNotExist();
    }

    @Test
    void badInputChangesNothing() throws IOException {
        store.save("analysis.ipynb", valid);
        byte[] before = Files.readAllBytes(home.resolve("analysis.ipynb"));

        assertThatThrownBy(() -> store.save("analysis.ipynb", "{\"nbformat\": 3}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SpeException.class).hasMessageContaining("nbformat must be 4");
        byte[] huge = new byte[64 * 1024 + 1];
        assertThatThrownBy(() -> store.save("analysis.ipynb", huge)).isInstanceOf(SpeException.class).hasMessageContaining("limit is 65536 bytes");
        assertThatThrownBy(() -> store.save("missing/analysis.ipynb", valid)).isInstanceOf(SpeException.class)
                .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.NOT_FOUND);

        assertThat(Files.readAllBytes(home.resolve("analysis.ipynb"))).isEqualTo(before);
        assertThat(store.list()).hasSize(1);
    }

    @Test
    void aMalformedFileOnDiskGetsAClearError() throws IOException {
        Files.writeString(home.resolve("broken.ipynb"), "{\"cells\": [");
        Files.write(home.resolve("big.ipynb"), new byte[64 * 1024 + 10]);

        assertThatThrownBy(() -> store.open("broken.ipynb")).isInstanceOf(SpeException.class).hasMessageContaining("Notebook broken.ipynb is malformed");
        assertThatThrownBy(() -> store.open("big.ipynb")).isInstanceOf(SpeException.class).hasMessageContaining("the limit is 65536 bytes");
        assertThatThrownBy(() -> store.open("absent.ipynb")).isInstanceOf(SpeException.class)
                .extracting(e -> ((SpeException) e).category()).isEqualTo(ErrorCategory.NOT_FOUND);
    }
}
