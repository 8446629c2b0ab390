package org.spe.workspace.pool;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Lays out the minimal Spark home a standalone worker needs to launch executors: {@code jars/}
 * with links to the platform's own jars, and a {@code RELEASE} file (without it Spark's launcher
 * looks for a source build). Not thread-safe; called once per pool start.
 */
final class SparkHome {
    private static final String LOGBACK = """
            <configuration>
              <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
                <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
              </appender>
              <logger name="org.apache.spark.deploy" level="INFO"/>
              <logger name="org.apache.spark.executor" level="INFO"/>
              <root level="WARN"><appender-ref ref="STDOUT"/></root>
            </configuration>
            """;

    private SparkHome() {}

    /**
     * Creates (or refreshes) {@code directory} with links to every jar on {@code classPath},
     * following jars' manifest {@code Class-Path} entries (the packaged platform's class path is
     * one jar whose manifest lists the rest).
     */
    static Path create(Path directory, String classPath) {
        try {
            Path jars = directory.resolve("jars");
            Files.createDirectories(jars);
            try (var old = Files.list(jars)) {
                for (Path link : old.toList()) {
                    Files.deleteIfExists(link);
                }
            }
            Set<String> names = new LinkedHashSet<>();
            for (Path jar : jarsOf(classPath)) {
                String name = jar.getFileName().toString();
                if (names.add(name)) {
                    Files.createSymbolicLink(jars.resolve(name), jar.toAbsolutePath());
                }
            }
            Files.writeString(directory.resolve("RELEASE"), "Spark (linked from the SPE platform class path)\n");
            // SPARK_HOME/conf is first on executors' class path; the daemons name it with -Dlogback.configurationFile.
            Files.createDirectories(directory.resolve("conf"));
            Files.writeString(directory.resolve("conf").resolve("logback.xml"), LOGBACK);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the Spark home " + directory, e);
        }
    }

    static Set<Path> jarsOf(String classPath) throws IOException {
        Set<Path> jars = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                addJar(Path.of(entry), jars);
            }
        }
        return jars;
    }

    private static void addJar(Path jar, Set<Path> jars) throws IOException {
        if (!jar.getFileName().toString().endsWith(".jar") || !Files.isRegularFile(jar) || !jars.add(jar.toAbsolutePath().normalize())) {
            return;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String manifestClassPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (manifestClassPath != null) {
                for (String entry : manifestClassPath.trim().split("\\s+")) {
                    if (entry.startsWith("file:")) {
                        addJar(Path.of(java.net.URI.create(entry)), jars);
                    } else if (!entry.isEmpty() && !entry.contains(":")) {
                        addJar(jar.toAbsolutePath().getParent().resolve(entry), jars);
                    }
                }
            }
        }
    }
}
