package org.spe.workspace.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** File-level chores of extracts: hashes, lake snapshots, read-only marking, cleanup. */
final class ExtractFiles {
    static final String MANIFEST = "extract.json";

    private ExtractFiles() {}

    /** SHA-256 over each data file (sorted by relative path): path, NUL, length, NUL, bytes. The manifest is left out. */
    static String contentHash(Path root) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[1 << 16];
        for (Path file : regularFiles(root)) {
            String relative = relative(root, file);
            if (relative.equals(MANIFEST)) {
                continue;
            }
            try (InputStream in = Files.newInputStream(file)) {
                digest.update((relative + '\0' + Files.size(file) + '\0').getBytes(StandardCharsets.UTF_8));
                int read;
                while ((read = in.read(buffer)) > 0) {
                    digest.update(buffer, 0, read);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 over the names, sizes and modification times of the files under the folders. */
    static String snapshotId(Path lakeRoot, List<String> folders) {
        MessageDigest digest = sha256();
        for (String folder : folders.stream().sorted().toList()) {
            Path root = lakeRoot.resolve(folder);
            if (!Files.isDirectory(root)) {
                continue;
            }
            for (Path file : regularFiles(root)) {
                try {
                    String line = folder + '/' + relative(root, file) + '\0' + Files.size(file) + '\0'
                            + Files.getLastModifiedTime(file).toMillis() + '\n';
                    digest.update(line.getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Removes Spark's bookkeeping files ({@code _SUCCESS}, {@code .crc}) so the extract holds data only. */
    static void removeBookkeeping(Path root) {
        for (Path file : regularFiles(root)) {
            String name = file.getFileName().toString();
            if (name.equals("_SUCCESS") || name.endsWith(".crc")) {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete " + file, e);
                }
            }
        }
    }

    /** Files r--r--r--, folders r-xr-xr-x, below {@code root} (the root itself too when {@code includeRoot}). */
    static void makeReadOnly(Path root, boolean includeRoot) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                if (path.equals(root) && !includeRoot) {
                    continue;
                }
                String permissions = Files.isDirectory(path) ? "r-xr-xr-x" : "r--r--r--";
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(permissions));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + root + " read-only", e);
        }
    }

    /** Deletes a tree, read-only parts included; quiet when it is already gone. */
    static void deleteRecursively(Path root) {
        DatagenBenchmark.deleteRecursively(root);
    }

    private static List<Path> regularFiles(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).sorted(Comparator.comparing(p -> relative(root, p))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
