package org.spe.workspace.desktop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.guacamole.GuacamoleException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

class EncryptedRecordingStoreTest {
    @TempDir
    Path directory;

    private final byte[] key = new byte[32];

    @Test
    void aRecordedSessionReadsBackCompleteAndIsNotPlaintextOnDisk() throws IOException, GuacamoleException {
        EncryptedRecordingStore store = new EncryptedRecordingStore(directory, key);
        List<Instruction> stream = List.of(Instruction.of("size", 0, 800, 600), Instruction.of("img", 1, 14, 0, "image/png", 0, 0),
                Instruction.of("blob", 1, "iVBORw0KGgo="), Instruction.of("end", 1), Instruction.of("sync", 1733300000000L));
        RecordingGuacamoleSocket socket = new RecordingGuacamoleSocket(new InMemoryGuacamoleSocket(stream), store.create("rec-1"));
        PolicyFilteredSocketTest.readAll(socket);

        EncryptedRecordingStore.Recording recording = store.read("rec-1");
        assertThat(recording.complete()).isTrue();
        assertThat(recording.protocol()).isEqualTo(String.join("", stream.stream().map(Instruction::encode).toList()));
        byte[] raw = Files.readAllBytes(directory.resolve("rec-1.guac.enc"));
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).doesNotContain("image/png").doesNotContain("sync");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("rec-1.guac.enc")))).isEqualTo("rw-------");
    }

    @Test
    void longRecordingsSpanChunksAndACutOffOneReadsAsIncomplete() throws IOException {
        EncryptedRecordingStore store = new EncryptedRecordingStore(directory, key);
        String big = "4.sync,1.1;".repeat(EncryptedRecordingStore.CHUNK_CHARS / 5);
        try (RecordingSink sink = store.create("long")) {
            sink.append(big);
        }
        assertThat(store.read("long").protocol()).isEqualTo(big);
        assertThat(store.read("long").complete()).isTrue();

        RecordingSink open = store.create("crashed");
        open.append(big); // two chunks sealed, the rest buffered when the platform "dies"
        EncryptedRecordingStore.Recording partial = store.read("crashed");
        assertThat(partial.complete()).isFalse();
        assertThat(big).startsWith(partial.protocol());
        assertThat(partial.protocol()).hasSize(2 * EncryptedRecordingStore.CHUNK_CHARS);
    }

    @Test
    void alteredOrMisplacedRecordingsAreRefused() throws IOException {
        EncryptedRecordingStore store = new EncryptedRecordingStore(directory, key);
        try (RecordingSink sink = store.create("a")) {
            sink.append("4.sync,1.1;");
        }
        byte[] raw = Files.readAllBytes(directory.resolve("a.guac.enc"));
        Files.write(directory.resolve("b.guac.enc"), raw);
        assertThatThrownBy(() -> store.read("b")).isInstanceOf(SpeException.class)
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.INTERNAL));
        byte[] tampered = Arrays.copyOf(raw, raw.length);
        tampered[tampered.length - 1] ^= 1;
        Files.write(directory.resolve("a.guac.enc"), tampered);
        assertThatThrownBy(() -> store.read("a")).isInstanceOf(SpeException.class);
        assertThatThrownBy(() -> new EncryptedRecordingStore(directory, new byte[32]).read("../etc/passwd"))
                .isInstanceOf(SpeException.class).hasMessageContaining("not a recording id");
        assertThatThrownBy(() -> store.read("missing")).isInstanceOf(SpeException.class)
                .satisfies(e -> assertThat(((SpeException) e).category()).isEqualTo(ErrorCategory.NOT_FOUND));
        assertThatThrownBy(() -> store.create("a")).isInstanceOf(SpeException.class).hasMessageContaining("exists already");
    }

    @Test
    void deletingOlderThanACutoffRemovesOnlyAgedRecordings() throws IOException {
        EncryptedRecordingStore store = new EncryptedRecordingStore(directory, key);
        Instant cutoff = Instant.parse("2026-01-01T00:00:00Z");
        for (String id : List.of("old-1", "old-2", "new")) {
            try (RecordingSink sink = store.create(id)) {
                sink.append("4.sync,1.1;");
            }
        }
        RecordingSink open = store.create("being-written");
        Files.setLastModifiedTime(directory.resolve("old-1.guac.enc"), FileTime.from(cutoff.minusSeconds(86_400)));
        Files.setLastModifiedTime(directory.resolve("old-2.guac.enc"), FileTime.from(cutoff.minusSeconds(1)));
        Files.setLastModifiedTime(directory.resolve("new.guac.enc"), FileTime.from(cutoff));
        // Not recordings, however old: another suffix, an id the store would refuse, a folder, a link.
        Path notes = Files.writeString(directory.resolve("notes.txt"), "keep");
        Path badId = Files.writeString(directory.resolve("bad.id.guac.enc"), "keep");
        Path folder = Files.createDirectory(directory.resolve("folder.guac.enc"));
        Path link = Files.createSymbolicLink(directory.resolve("link.guac.enc"), notes);
        for (Path foreign : List.of(notes, badId, folder)) {
            Files.setLastModifiedTime(foreign, FileTime.from(cutoff.minusSeconds(86_400)));
        }
        long oldBytes = Files.size(directory.resolve("old-1.guac.enc"));

        List<EncryptedRecordingStore.Stored> deleted = store.deleteOlderThan(cutoff);

        assertThat(deleted).extracting(EncryptedRecordingStore.Stored::id).containsExactly("old-1", "old-2");
        assertThat(deleted.get(0).bytes()).isEqualTo(oldBytes);
        assertThat(deleted.get(0).modified()).isEqualTo(cutoff.minusSeconds(86_400));
        assertThat(store.list()).extracting(EncryptedRecordingStore.Stored::id).containsExactlyInAnyOrder("new", "being-written");
        assertThat(List.of(notes, badId, folder, link)).allSatisfy(path -> assertThat(path).exists());
        open.append("4.sync,1.2;");
        open.close();
        assertThat(store.read("being-written").complete()).isTrue();
        assertThat(store.deleteOlderThan(cutoff)).isEmpty();
    }

    @Test
    void aMissingDirectoryHasNothingToListOrDelete() {
        EncryptedRecordingStore store = new EncryptedRecordingStore(directory.resolve("never-created"), key);

        assertThat(store.list()).isEmpty();
        assertThat(store.deleteOlderThan(Instant.now())).isEmpty();
        assertThat(directory.resolve("never-created")).doesNotExist();
    }
}
