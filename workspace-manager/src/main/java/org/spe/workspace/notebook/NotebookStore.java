package org.spe.workspace.notebook;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.spe.core.SpeException;

/**
 * The {@code .ipynb} files in one workspace's home: list, open and save. Paths come from the
 * researcher and are checked before anything is touched: relative, no {@code ..}, no hidden
 * folders, no symbolic link anywhere along the way (the platform reads the home from outside the
 * sandbox, where a link could point at another workspace), names ending in {@code .ipynb}.
 * Saving checks the whole notebook first and replaces the file atomically, so bad input changes
 * nothing. Thread-safe; methods block on file I/O.
 */
public final class NotebookStore {
    /** Largest notebook file read or written by default. */
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    private static final String SUFFIX = ".ipynb";
    private static final int MAX_PATH_LENGTH = 1024;
    private static final int MAX_DEPTH = 16;

    private final Path home;
    private final long maxBytes;

    /**
     * @param home the workspace's home folder (it must exist when the store is used)
     * @param maxBytes the size limit for one notebook file
     */
    public NotebookStore(Path home, long maxBytes) {
        this.home = requireNonNull(home, "home is null").toAbsolutePath().normalize();
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The size limit for one notebook file. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Every notebook under the home, sorted by path; links and hidden folders are skipped. */
    public List<NotebookEntry> list() {
        if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<NotebookEntry> entries = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(home, MAX_DEPTH)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                Path relative = home.relativize(file);
                if (relative.toString().isEmpty() || hidden(relative) || !file.getFileName().toString().endsWith(SUFFIX)) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isRegularFile()) {
                    entries.add(new NotebookEntry(relative.toString().replace('\\', '/'), attributes.size(), attributes.lastModifiedTime().toInstant()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the notebooks in " + home, e);
        }
        entries.sort(java.util.Comparator.comparing(NotebookEntry::path));
        return List.copyOf(entries);
    }

    /**
     * Reads and checks a notebook.
     *
     * @throws SpeException INVALID_INPUT for a bad path, an oversized or malformed file;
     *     NOT_FOUND when there is no such notebook
     */
    public Notebook open(String path) {
        Path file = resolve(path);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw SpeException.notFound("There is no notebook %s in the workspace", path);
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw SpeException.invalid("%s is not a regular file", path);
        }
        // NOFOLLOW_LINKS also on open: a link swapped in after the check above is refused by the kernel.
        try (SeekableByteChannel channel = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                InputStream in = Channels.newInputStream(channel)) {
            if (channel.size() > maxBytes) {
                throw SpeException.invalid("Notebook %s is %d bytes; the limit is %d bytes", path, channel.size(), maxBytes);
            }
            byte[] bytes = in.readNBytes((int) maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw SpeException.invalid("Notebook %s is larger than the limit of %d bytes", path, maxBytes);
            }
            try {
                return Notebook.parse(bytes);
            } catch (SpeException e) {
                throw SpeException.invalid("Notebook %s is malformed: %s", path, e.getMessage());
            }
        } catch (NoSuchFileException e) {
            throw SpeException.notFound("There is no notebook %s in the workspace", path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read notebook " + path, e);
        }
    }

    /**
     * Checks a notebook given as bytes and writes it, replacing any file of that name atomically.
     * The folder must exist. Nothing is written unless every check passes.
     *
     * @return the saved notebook's entry
     * @throws SpeException INVALID_INPUT for a bad path, an oversized or malformed notebook;
     *     NOT_FOUND when the folder does not exist
     */
    public NotebookEntry save(String path, byte[] content) {
        requireNonNull(content, "content is null");
        Path file = resolve(path);
        if (content.length > maxBytes) {
            throw SpeException.invalid("The notebook is %d bytes; the limit is %d bytes", content.length, maxBytes);
        }
        Notebook notebook = Notebook.parse(content);
        return write(path, file, notebook);
    }

    /** Writes an already checked notebook (after an execution), replacing the file atomically. */
    public NotebookEntry save(String path, Notebook notebook) {
        requireNonNull(notebook, "notebook is null");
        Path file = resolve(path);
        return write(path, file, notebook);
    }

    private NotebookEntry write(String path, Path file, Notebook notebook) {
        byte[] bytes = notebook.toBytes();
        if (bytes.length > maxBytes) {
            throw SpeException.invalid("Notebook %s would be %d bytes; the limit is %d bytes", path, bytes.length, maxBytes);
        }
        Path folder = file.getParent();
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            throw SpeException.notFound("The folder of %s does not exist in the workspace", path);
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw SpeException.invalid("%s exists and is not a regular file", path);
        }
        Path temporary = folder.resolve("." + file.getFileName() + ".spe-" + UUID.randomUUID() + ".tmp");
        try {
            try (SeekableByteChannel channel = Files.newByteChannel(temporary, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return new NotebookEntry(home.relativize(file).toString(), attributes.size(), attributes.lastModifiedTime().toInstant());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write notebook " + path, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // Best effort: a leftover hidden temporary file is harmless and not listed.
            }
        }
    }

    /**
     * The file a researcher's path names inside the home, after every check.
     *
     * @throws SpeException INVALID_INPUT naming the rule the path breaks
     */
    Path resolve(String path) {
        if (path == null || path.isBlank()) {
            throw SpeException.invalid("A notebook path is required, e.g. analysis.ipynb");
        }
        if (path.length() > MAX_PATH_LENGTH || path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            throw SpeException.invalid("The notebook path is too long or has a NUL or backslash character");
        }
        if (path.startsWith("/") || path.startsWith("~")) {
            throw SpeException.invalid("The notebook path %s must be relative to the workspace home, not absolute", path);
        }
        String[] parts = path.split("/", -1);
        if (parts.length > MAX_DEPTH) {
            throw SpeException.invalid("The notebook path %s has more than %d parts", path, MAX_DEPTH);
        }
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw SpeException.invalid("The notebook path %s may not have empty, '.' or '..' parts", path);
            }
            if (part.startsWith(".")) {
                throw SpeException.invalid("The notebook path %s may not name hidden files or folders", path);
            }
        }
        String name = parts[parts.length - 1];
        if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
            throw SpeException.invalid("%s is not a notebook name: notebooks end in %s", path, SUFFIX);
        }
        Path file = home.resolve(path).normalize();
        if (!file.startsWith(home)) {
            throw SpeException.invalid("The notebook path %s leads outside the workspace home", path);
        }
        Path current = home;
        for (String part : parts) {
            current = current.resolve(part);
            if (Files.isSymbolicLink(current)) {
                throw SpeException.invalid("The notebook path %s goes through a symbolic link (%s); links are refused", path, home.relativize(current));
            }
        }
        return file;
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
