package org.spe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Dockerfiles under deploy/images: pinned base images, Debian packages only, non-root, no piped installers. */
class ContainerImagesTest {
    private static final Path IMAGES = Path.of("images");
    private static final Path ROOT = Path.of("..");

    @Test
    void thereIsAServerAndAWorkspaceImage() throws IOException {
        assertThat(dockerfiles()).extracting(p -> p.getParent().getFileName().toString()).containsExactlyInAnyOrder("server", "workspace");
    }

    @Test
    void everyImageFollowsTheRules() throws IOException {
        for (Path dockerfile : dockerfiles()) {
            assertThat(violations(Files.readString(dockerfile))).as(dockerfile.toString()).isEmpty();
        }
    }

    @Test
    void theWorkspaceImageHasJupyterTheDesktopAndTheHelper() throws IOException {
        String workspace = Files.readString(IMAGES.resolve("workspace").resolve("Dockerfile"));
        assertThat(workspace).contains("jupyter-server", "python3-ipykernel", "tigervnc-standalone-server", "xfonts-base", "fonts-noto-cjk", "openjdk-17-jre-headless",
                "/usr/lib/python3/dist-packages/spe.py", "USER 1000:1000");
        String server = Files.readString(IMAGES.resolve("server").resolve("Dockerfile"));
        assertThat(server).contains("openjdk-17-jre-headless", "spe-server/target/spe.jar", "USER 10001:10001");
    }

    @Test
    void everyFileTheImagesCopyFromTheSourceTreeExists() throws IOException {
        for (Path dockerfile : dockerfiles()) {
            for (String source : copySources(Files.readString(dockerfile))) {
                if (!source.contains("/target/")) { // build outputs exist after `mvn package`
                    assertThat(ROOT.resolve(source)).as(dockerfile + " copies " + source).exists();
                }
            }
        }
    }

    @Test
    void theChecksCatchABadDockerfile(@TempDir Path dir) {
        assertThat(violations("""
                FROM debian:bookworm
                ADD https://example.com/tool.tar.gz /opt/
                RUN curl -fsSL https://get.example.com | sh
                RUN apt-get install -y build-essential
                """)).containsExactlyInAnyOrder(
                "base image debian:bookworm is not pinned by digest",
                "ADD fetches a URL: https://example.com/tool.tar.gz",
                "pipes a download into a shell",
                "apt-get install without --no-install-recommends",
                "does not end as a non-root USER");
        assertThat(violations("FROM debian@sha256:" + "a".repeat(64) + "\nUSER root\n")).contains("does not end as a non-root USER");
        assertThat(violations("FROM debian@sha256:" + "a".repeat(64) + "\nUSER 0:0\n")).contains("does not end as a non-root USER");
    }

    /** Every rule the Dockerfile breaks. */
    static List<String> violations(String dockerfile) {
        List<String> violations = new ArrayList<>();
        String joined = dockerfile.replaceAll("\\\\\\n", " ");
        Map<String, String> arguments = new LinkedHashMap<>();
        String lastUser = null;
        for (String line : joined.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
            String[] parts = line.split("\\s+", 2);
            String instruction = parts[0].toUpperCase(java.util.Locale.ROOT);
            String rest = parts.length > 1 ? parts[1] : "";
            switch (instruction) {
                case "ARG" -> {
                    String[] nameValue = rest.split("=", 2);
                    arguments.put(nameValue[0], nameValue.length > 1 ? nameValue[1] : "");
                }
                case "FROM" -> {
                    String image = rest.split("\\s+")[0];
                    Matcher variable = Pattern.compile("\\$\\{?(\\w+)}?").matcher(image);
                    if (variable.matches()) {
                        image = arguments.getOrDefault(variable.group(1), image);
                    }
                    if (!image.matches("[^@\\s]+@sha256:[0-9a-f]{64}")) {
                        violations.add("base image " + image + " is not pinned by digest");
                    }
                }
                case "ADD" -> {
                    Matcher url = Pattern.compile("(https?://\\S+)").matcher(rest);
                    if (url.find()) {
                        violations.add("ADD fetches a URL: " + url.group(1));
                    }
                }
                case "RUN" -> {
                    if (rest.matches(".*\\b(curl|wget)\\b[^|;&]*\\|\\s*(sudo\\s+)?(ba|z|da)?sh\\b.*")) {
                        violations.add("pipes a download into a shell");
                    }
                    if (rest.matches(".*apt-get install(?!.*--no-install-recommends).*")) {
                        violations.add("apt-get install without --no-install-recommends");
                    }
                }
                case "USER" -> lastUser = rest.strip();
                default -> {
                    // other instructions carry no rule here
                }
            }
        }
        if (lastUser == null || lastUser.matches("(root|0)(:.*)?")) {
            violations.add("does not end as a non-root USER");
        }
        return violations;
    }

    private static List<String> copySources(String dockerfile) {
        List<String> sources = new ArrayList<>();
        for (String line : dockerfile.replaceAll("\\\\\\n", " ").lines().map(String::strip).filter(l -> l.startsWith("COPY ")).toList()) {
            if (line.contains("--from=")) {
                continue;
            }
            List<String> words = Stream.of(line.substring(5).trim().split("\\s+")).filter(w -> !w.startsWith("--")).toList();
            sources.addAll(words.subList(0, words.size() - 1));
        }
        return sources;
    }

    private static List<Path> dockerfiles() throws IOException {
        try (Stream<Path> files = Files.walk(IMAGES)) {
            return files.filter(p -> p.getFileName().toString().equals("Dockerfile")).sorted().toList();
        }
    }
}
