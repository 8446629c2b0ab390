package org.spe.workspace.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bwrap command line a spec turns into; the isolation itself is proven by {@link BubblewrapSandboxIT}. */
class BubblewrapSandboxTest {
    static final Path WS = Path.of("/data/workspaces/ws-1");
    static final SandboxSpec SPEC = new SandboxSpec("ws-1", WS.resolve("home"), WS.resolve("outputs"),
            Path.of("/data/extracts/ws-1"), List.of(new ReadOnlyBind(Path.of("/srv/conf"), "/opt/conf")),
            Map.of("SPE_WORKSPACE", "ws-1"), WS.resolve("control"));

    final BubblewrapSandbox sandbox = new BubblewrapSandbox(Path.of("/usr/bin/bwrap"), Path.of("/run/spe-etc"), SPEC);

    @Test
    void unsharesEverythingDropsPrivilegesAndDiesWithThePlatform() {
        List<String> args = sandbox.arguments(List.of("/usr/bin/python3", "-c", "pass"));

        assertThat(args.get(0)).isEqualTo("/usr/bin/bwrap");
        assertThat(args).contains("--unshare-all", "--unshare-user", "--die-with-parent", "--new-session", "--clearenv")
                .doesNotContain("--share-net");
        assertThat(pairAfter(args, "--cap-drop")).containsExactly("ALL");
        assertThat(pairAfter(args, "--uid")).containsExactly("1000");
        assertThat(args.subList(args.indexOf("--") + 1, args.size())).containsExactly("/usr/bin/python3", "-c", "pass");
    }

    @Test
    void bindsOnlyTheWorkspacesDirectoriesWritableAndTheRestReadOnly() {
        List<String> args = sandbox.arguments(List.of("/usr/bin/true"));

        assertThat(triples(args, "--bind")).containsExactlyInAnyOrder(
                WS.resolve("home") + " /home/researcher",
                WS.resolve("outputs") + " /outputs",
                WS.resolve("control") + " /run/spe");
        assertThat(triples(args, "--ro-bind")).contains(
                "/usr /usr",
                "/data/extracts/ws-1 /extract",
                "/srv/conf /opt/conf",
                "/run/spe-etc/passwd /etc/passwd")
                .allSatisfy(bind -> assertThat(bind).doesNotStartWith("/ ").doesNotStartWith("/etc ").doesNotStartWith("/data "));
        assertThat(triples(args, "--ro-bind-try")).allSatisfy(bind -> assertThat(bind).startsWith("/etc/"));
        assertThat(pairAfter(args, "--tmpfs")).containsExactly("/tmp");
    }

    @Test
    void setsOnlyTheSpecsEnvironmentAndItsOwnBasics() {
        List<String> args = sandbox.arguments(List.of("/usr/bin/true"));

        assertThat(triples(args, "--setenv")).containsExactly(
                "HOME /home/researcher", "LANG C.UTF-8", "LOGNAME researcher", "PATH /usr/local/bin:/usr/bin:/bin",
                "SPE_WORKSPACE ws-1", "USER researcher");
    }

    @Test
    void rejectsARelativeProgram() {
        assertThatThrownBy(() -> sandbox.arguments(List.of("python3")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute program path");
    }

    private static List<String> pairAfter(List<String> args, String option) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.size() - 1 && !args.get(i).equals("--"); i++) {
            if (args.get(i).equals(option)) {
                values.add(args.get(i + 1));
            }
        }
        return values;
    }

    /** "source destination" of each two-argument option, e.g. binds and setenv. */
    private static List<String> triples(List<String> args, String option) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.size() - 2 && !args.get(i).equals("--"); i++) {
            if (args.get(i).equals(option)) {
                values.add(args.get(i + 1) + " " + args.get(i + 2));
            }
        }
        return values;
    }
}
