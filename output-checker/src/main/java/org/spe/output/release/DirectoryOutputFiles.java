package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/**
 * {@link OutputFiles} over a directory tree: the outputs of workspace {@code W} are the files under
 * {@code <root>/<W>/outputs/}. The embedded default and tests use it.
 *
 * <p>Nothing is followed through a symbolic link: every component of the path, from the workspace
 * directory down, is inspected with {@link LinkOption#NOFOLLOW_LINKS}, and the file is opened with
 * {@code NOFOLLOW_LINKS} as well, so a link swapped in between the check and the open fails instead
 * of being followed. Thread-safe (stateless besides the root).
 */
public final class DirectoryOutputFiles implements OutputFiles {
    private final Path root;

    /** @param root the directory holding one directory per workspace */
    public DirectoryOutputFiles(Path root) {
        this.root = requireNonNull(root, "root is null").toAbsolutePath().normalize();
    }

    /** The {@code outputs/} directory of a workspace (it may not exist yet). */
    public Path outputs(String workspaceId) {
        return root.resolve(checkWorkspace(workspaceId)).resolve("outputs");
    }

    @Override
    public List<OutputFile> list(String workspaceId) {
        Path outputs = outputs(workspaceId);
        if (!Files.isDirectory(outputs, LinkOption.NOFOLLOW_LINKS)) {
            throw SpeException.notFound("Workspace %s has no outputs directory", workspaceId);
        }
        List<OutputFile> files = new ArrayList<>();
        // Files.walk without FOLLOW_LINKS does not descend into linked directories
        try (Stream<Path> walk = Files.walk(outputs)) {
            for (Path path : (Iterable<Path>) walk::iterator) {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isRegularFile()) {
                    String relative = outputs.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
                    try {
                        files.add(new OutputFile(relative, attributes.size()));
                    } catch (SpeException e) {
                        // a name the release rules refuse cannot be added, so it is not offered
                    }
                }
            }
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot list the outputs of workspace " + workspaceId, e);
        }
        files.sort(Comparator.comparing(OutputFile::relativePath));
        return List.copyOf(files);
    }

    @Override
    public InputStream open(String workspaceId, String relativePath) {
        OutputPaths.check(relativePath);
        Path outputs = outputs(workspaceId);
        Path current = outputs;
        try {
            if (!Files.isDirectory(outputs, LinkOption.NOFOLLOW_LINKS)) {
                throw SpeException.notFound("Workspace %s has no outputs directory", workspaceId);
            }
            for (String segment : relativePath.split("/")) {
                current = current.resolve(segment);
                BasicFileAttributes attributes = Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (attributes.isSymbolicLink()) {
                    throw SpeException.invalid("File '%s': symbolic links are not followed", relativePath);
                }
            }
            if (!Files.isRegularFile(current, LinkOption.NOFOLLOW_LINKS)) {
                throw SpeException.invalid("File '%s' is not a regular file", relativePath);
            }
            return Files.newInputStream(current, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw SpeException.notFound("File '%s' is not in the outputs of workspace %s", relativePath, workspaceId);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INVALID_INPUT, "File '" + relativePath + "' cannot be read: " + e.getMessage(), e);
        }
    }

    private static String checkWorkspace(String workspaceId) {
        requireNonNull(workspaceId, "workspaceId is null");
        if (!workspaceId.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}") || workspaceId.contains("..")) {
            throw SpeException.invalid("'%s' is not a workspace id", workspaceId);
        }
        return workspaceId;
    }
}
