package org.spe.server.console;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's static files, built by esbuild from {@code src/main/web} into the classpath
 * folder {@code console/} (see the spe-server pom). Everything under {@code /console/} is the
 * console: a path naming a file (the last segment has a dot) answers that file or 404; any other
 * path is a page of the single-page application and answers {@code index.html}, so reloading or
 * bookmarking a page works. {@code /} redirects to {@code /console/}. Thread-safe; files are
 * read once and kept in memory (the bundle is a few hundred kilobytes).
 */
public final class ConsoleAssets {
    /** Where the console lives. */
    public static final String PREFIX = "/console/";
    private static final String CLASSPATH_FOLDER = "/console/";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*(/[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "json", "application/json",
            "svg", "image/svg+xml",
            "png", "image/png",
            "map", "application/json",
            "woff2", "font/woff2");

    /** A file of the bundle. */
    public record Asset(String contentType, byte[] bytes) {}

    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /** Answers the request for a console path (anything under {@link #PREFIX}, or the prefix without its slash). */
    public void handle(Context ctx) {
        String path = ctx.path();
        String name = path.length() <= PREFIX.length() ? "" : path.substring(PREFIX.length());
        String last = name.substring(name.lastIndexOf('/') + 1);
        Optional<Asset> asset;
        if (last.contains(".")) {
            asset = SAFE_NAME.matcher(name).matches() ? asset(name) : Optional.empty();
            if (asset.isEmpty()) {
                ctx.status(404).contentType("text/plain; charset=utf-8").result("No such console file: " + name);
                return;
            }
        } else {
            asset = asset("index.html");
            if (asset.isEmpty()) {
                ctx.status(503).contentType("text/plain; charset=utf-8")
                        .result("The web console was not built into this jar (build spe-server with Maven; it runs npm)");
                return;
            }
        }
        ctx.contentType(asset.get().contentType()).result(asset.get().bytes());
    }

    /** A file of the bundle by its name under the console folder, if it exists. */
    public Optional<Asset> asset(String name) {
        return cache.computeIfAbsent(name, ConsoleAssets::load);
    }

    private static Optional<Asset> load(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        String type = TYPES.get(extension);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = ConsoleAssets.class.getResourceAsStream(CLASSPATH_FOLDER + name)) {
            return in == null ? Optional.empty() : Optional.of(new Asset(type, in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read console file " + name, e);
        }
    }
}
