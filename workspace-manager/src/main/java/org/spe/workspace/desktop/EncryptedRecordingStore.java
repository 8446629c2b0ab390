package org.spe.workspace.desktop;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.core.crypto.AesGcm;

/**
 * Session recordings at rest, encrypted with AES-256-GCM under one key from the secret store.
 * A recording file ({@code <id>.guac.enc}, mode 600) is a header line {@code SPE-DESKTOP-RECORDING 1}
 * followed by frames: a 4-byte length and one sealed chunk (random nonce, ciphertext, tag) of at
 * most {@link #CHUNK_CHARS} characters of protocol. Each chunk's associated data binds it to the
 * recording id, its position and whether it is the last, so chunks cannot be reordered, moved to
 * another recording or cut off unnoticed: {@link #read} reports a recording without its final
 * chunk as incomplete (the session or the platform ended abruptly), and an altered one as an
 * INTERNAL error.
 *
 * <p>Thread-safe; each {@link RecordingSink} is thread-safe.
 */
public final class EncryptedRecordingStore {
    private static final Logger log = LoggerFactory.getLogger(EncryptedRecordingStore.class);
    public static final int CHUNK_CHARS = 256 * 1024;
    private static final byte[] HEADER = "SPE-DESKTOP-RECORDING 1\n".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final int MAX_FRAME = 16 * 1024 * 1024;
    private static final String SUFFIX = ".guac.enc";

    /** A decrypted recording. */
    public record Recording(String id, String protocol, boolean complete) {
        public Recording {
            requireNonNull(id, "id is null");
            requireNonNull(protocol, "protocol is null");
        }
    }

    private final Path directory;
    private final AesGcm cipher;

    /** @param key 32 bytes, e.g. {@code secrets.secret("desktop/recordings", 32)} */
    public EncryptedRecordingStore(Path directory, byte[] key) {
        this.directory = requireNonNull(directory, "directory is null");
        this.cipher = new AesGcm(requireNonNull(key, "key is null"));
    }

    /** Starts recording {@code id}; CONFLICT if it exists, INVALID_INPUT for a bad id. */
    public RecordingSink create(String id) {
        Path file = file(id);
        try {
            Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            out.write(HEADER);
            out.flush();
            return new Sink(id, out);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw SpeException.conflict("Recording %s exists already", id);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create recording " + id, e);
        }
    }

    /** A stored recording's id, size on disk and last change. */
    public record Stored(String id, long bytes, Instant modified) {
        public Stored {
            requireNonNull(id, "id is null");
            requireNonNull(modified, "modified is null");
        }
    }

    /**
     * The stored recordings, newest first: regular files named {@code <id>.guac.enc} with a valid
     * id; anything else in the directory is not a recording. A missing directory holds none.
     *
     * @throws UncheckedIOException if the directory cannot be read
     */
    public List<Stored> list() {
        List<Stored> stored = new ArrayList<>();
        for (Path file : recordingFiles()) {
            try {
                stat(file).ifPresent(stored::add);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read the attributes of " + file, e);
            }
        }
        stored.sort(Comparator.comparing(Stored::modified).reversed());
        return List.copyOf(stored);
    }

    /**
     * Deletes the recordings whose last change is before {@code cutoff} and answers them, oldest
     * first. Only what {@link #list} calls a recording is ever deleted; other files, folders and
     * links in the directory stay. A missing directory holds nothing to delete. Callers audit what
     * this answers, so a recording that cannot be deleted is logged and left for the next call
     * rather than thrown, which would lose the deletions made before it.
     *
     * <p>Ageing by last change is safe for a recording still being written: it is changed at its
     * creation and with each sealed chunk, and belongs to a session no longer than the desktop's
     * maximum session length (at most a day), so a cutoff further back than that never reaches it.
     * Each file's age is read again just before it is deleted, and one deleted meanwhile is
     * skipped.
     *
     * @throws UncheckedIOException if the directory cannot be read (then nothing was deleted)
     */
    public List<Stored> deleteOlderThan(Instant cutoff) {
        requireNonNull(cutoff, "cutoff is null");
        List<Stored> deleted = new ArrayList<>();
        for (Path file : recordingFiles()) {
            try {
                Optional<Stored> recording = stat(file);
                if (recording.isPresent() && recording.get().modified().isBefore(cutoff) && Files.deleteIfExists(file)) {
                    deleted.add(recording.get());
                }
            } catch (IOException e) {
                log.warn("Cannot delete recording file {}; it stays until the next try", file.getFileName(), e);
            }
        }
        deleted.sort(Comparator.comparing(Stored::modified));
        return List.copyOf(deleted);
    }

    /** The regular files of the directory named like a recording; none when there is no directory. */
    private List<Path> recordingFiles() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> recordingId(file).isPresent() && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list the recordings in " + directory, e);
        }
    }

    /** The recording's size and last change; empty if it was deleted since it was listed. */
    private static Optional<Stored> stat(Path file) throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return Optional.of(new Stored(recordingId(file).orElseThrow(), attributes.size(), attributes.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> recordingId(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX)) {
            return Optional.empty();
        }
        String id = name.substring(0, name.length() - SUFFIX.length());
        return ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** Whether recording {@code id} exists. */
    public boolean exists(String id) {
        return Files.exists(file(id));
    }

    /**
     * Decrypts recording {@code id}.
     *
     * @throws SpeException NOT_FOUND if there is none, INTERNAL if it was altered or the key is wrong
     */
    public Recording read(String id) {
        Path file = file(id);
        if (!Files.exists(file)) {
            throw SpeException.notFound("Recording %s does not exist", id);
        }
        StringBuilder protocol = new StringBuilder();
        boolean complete = false;
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
            byte[] header = in.readNBytes(HEADER.length);
            if (!java.util.Arrays.equals(header, HEADER)) {
                throw new SpeException(ErrorCategory.INTERNAL, "Recording " + id + " is not an SPE desktop recording");
            }
            for (long index = 0; ; index++) {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException e) {
                    break;
                }
                if (length <= 0 || length > MAX_FRAME) {
                    throw new SpeException(ErrorCategory.INTERNAL, "Recording " + id + " has a damaged frame at chunk " + index);
                }
                byte[] sealed = in.readNBytes(length);
                if (sealed.length != length) {
                    break; // a torn last write: what came before stands, the recording is incomplete
                }
                byte[] plain;
                try {
                    plain = cipher.decrypt(sealed, associatedData(id, index, false));
                } catch (SpeException notMiddle) {
                    plain = cipher.decrypt(sealed, associatedData(id, index, true));
                    complete = true;
                }
                protocol.append(new String(plain, StandardCharsets.UTF_8));
                if (complete) {
                    if (in.read() != -1) {
                        throw new SpeException(ErrorCategory.INTERNAL, "Recording " + id + " has data after its final chunk");
                    }
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read recording " + id, e);
        }
        return new Recording(id, protocol.toString(), complete);
    }

    private Path file(String id) {
        requireNonNull(id, "id is null");
        if (!ID.matcher(id).matches()) {
            throw SpeException.invalid("%s is not a recording id", id.length() > 80 ? id.substring(0, 80) + "..." : id);
        }
        return directory.resolve(id + SUFFIX);
    }

    private static byte[] associatedData(String id, long index, boolean last) {
        return (id + ":" + index + ":" + (last ? "final" : "more")).getBytes(StandardCharsets.UTF_8);
    }

    /** Buffers protocol text and seals a chunk whenever {@link #CHUNK_CHARS} have gathered. */
    private final class Sink implements RecordingSink {
        private final String id;
        private final OutputStream out;
        private final StringBuilder buffer = new StringBuilder();
        private long index;
        private boolean closed;
        private IOException failure;

        Sink(String id, OutputStream out) {
            this.id = id;
            this.out = out;
        }

        @Override
        public synchronized void append(CharSequence protocol) {
            if (closed || failure != null) {
                return;
            }
            buffer.append(protocol);
            while (buffer.length() >= CHUNK_CHARS) {
                String chunk = buffer.substring(0, CHUNK_CHARS);
                buffer.delete(0, CHUNK_CHARS);
                seal(chunk, false);
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (failure == null) {
                seal(buffer.toString(), true);
                buffer.setLength(0);
            }
            try {
                out.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
            if (failure != null) {
                throw new UncheckedIOException("Recording " + id + " could not be written completely", failure);
            }
        }

        private void seal(String chunk, boolean last) {
            byte[] sealed = cipher.encrypt(chunk.getBytes(StandardCharsets.UTF_8), associatedData(id, index++, last));
            try {
                ByteArrayOutputStream frame = new ByteArrayOutputStream(sealed.length + 4);
                frame.write(ByteBuffer.allocate(4).putInt(sealed.length).array());
                frame.write(sealed);
                out.write(frame.toByteArray());
                out.flush();
            } catch (IOException e) {
                failure = e;
            }
        }
    }
}
