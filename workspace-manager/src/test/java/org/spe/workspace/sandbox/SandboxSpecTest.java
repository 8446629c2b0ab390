package org.spe.workspace.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxSpecTest {
    static final Path WS = Path.of("/data/workspaces/ws-1");

    static SandboxSpec spec(Path home, Path outputs, Path extract, Path control) {
        return new SandboxSpec("ws-1", home, outputs, extract, List.of(), Map.of(), control);
    }

    @Test
    void copiesItsCollectionsAndNormalisesPaths() {
        List<ReadOnlyBind> binds = new ArrayList<>(List.of(new ReadOnlyBind(Path.of("/opt/tools"), "/opt/tools")));
        Map<String, String> environment = new HashMap<>(Map.of("A", "1"));
        SandboxSpec spec = new SandboxSpec("ws-1", Path.of("/data/workspaces/ws-1/./home"), WS.resolve("outputs"),
                WS.resolve("extract"), binds, environment, WS.resolve("control"));

        binds.clear();
        environment.put("B", "2");

        assertThat(spec.homeDirectory()).isEqualTo(WS.resolve("home"));
        assertThat(spec.extraReadOnlyBinds()).hasSize(1);
        assertThat(spec.environment()).containsOnlyKeys("A");
    }

    @Test
    void rejectsRelativePathsBadIdsAndBadVariableNames() {
        assertThatThrownBy(() -> spec(Path.of("home"), WS.resolve("outputs"), WS.resolve("extract"), WS.resolve("control")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("homeDirectory must be absolute");
        assertThatThrownBy(() -> new SandboxSpec("../ws", WS.resolve("home"), WS.resolve("outputs"), WS.resolve("extract"),
                List.of(), Map.of(), WS.resolve("control")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workspaceId");
        assertThatThrownBy(() -> new SandboxSpec("ws-1", WS.resolve("home"), WS.resolve("outputs"), WS.resolve("extract"),
                List.of(), Map.of("A=B", "x"), WS.resolve("control")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an environment variable name");
    }

    @Test
    void rejectsAWritableDirectoryOverlappingTheExtractOrAnother() {
        assertThatThrownBy(() -> spec(WS.resolve("extract/home"), WS.resolve("outputs"), WS.resolve("extract"),
                WS.resolve("control")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps the read-only extract");
        assertThatThrownBy(() -> spec(WS, WS.resolve("outputs"), Path.of("/data/extracts/ws-1"), WS.resolve("control")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("writable directories overlap");
    }

    @Test
    void extraBindsMayNotShadowTheSandboxsOwnDirectories() {
        assertThatThrownBy(() -> new ReadOnlyBind(Path.of("/data/lake"), "/extract/lake"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nest in /extract");
        assertThatThrownBy(() -> new ReadOnlyBind(Path.of("/data/lake"), "/usr"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shadow");
        assertThatThrownBy(() -> new ReadOnlyBind(Path.of("/data/lake"), "/opt/../extract"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("normalised");
        assertThat(new ReadOnlyBind(Path.of("/srv/jupyter/conf"), "/opt/spe/jupyter").sandboxPath())
                .isEqualTo("/opt/spe/jupyter");
    }

    @Test
    void withersAddToACopy() {
        SandboxSpec spec = spec(WS.resolve("home"), WS.resolve("outputs"), WS.resolve("extract"), WS.resolve("control"));

        SandboxSpec more = spec.withReadOnlyBind(new ReadOnlyBind(Path.of("/srv/conf"), "/opt/conf"))
                .withEnvironment(Map.of("JUPYTER_PATH", "/opt/conf"));

        assertThat(spec.extraReadOnlyBinds()).isEmpty();
        assertThat(spec.environment()).isEmpty();
        assertThat(more.extraReadOnlyBinds()).extracting(ReadOnlyBind::sandboxPath).containsExactly("/opt/conf");
        assertThat(more.environment()).containsEntry("JUPYTER_PATH", "/opt/conf");
    }
}
