package org.spe.output.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spe.output.release.internal.PackageWriter;

class PackageVerifierTest {
    private static final Ed25519PackageSigner SIGNER = Ed25519PackageSigner.generate();

    @TempDir
    Path folder;
    private Path zip;

    @BeforeEach
    void writePackage() {
        zip = folder.resolve("rel-1.zip");
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("files/table.csv", "sex,count\nF,120\n".getBytes(StandardCharsets.UTF_8));
        entries.put(PackageVerifier.SDC_RECORD, "{\"format\":\"spe-sdc-record/1\"}".getBytes(StandardCharsets.UTF_8));
        PackageWriter.write(zip, Map.of("requestId", "rel-1"), entries, SIGNER, Instant.parse("2026-11-23T10:00:00Z"));
    }

    @Test
    void anIntactPackageVerifies() {
        PackageVerification verification = PackageVerifier.verify(zip, SIGNER.publicKey());
        assertThat(verification.problems()).isEmpty();
        assertThat(verification.valid()).isTrue();
        assertThat(verification.entries()).containsExactly("files/table.csv", PackageVerifier.SDC_RECORD);
    }

    @Test
    void aTamperedFileFails() throws IOException {
        Path tampered = rewrite(Map.of("files/table.csv", bytes -> "sex,count\nF,3\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(PackageVerifier.verify(tampered, SIGNER.publicKey()).problems())
                .containsExactly("entry files/table.csv does not match its SHA-256 in the manifest");
    }

    @Test
    void aTamperedManifestFails() throws IOException {
        Path tampered = rewrite(Map.of(PackageVerifier.MANIFEST,
                bytes -> new String(bytes, StandardCharsets.UTF_8).replace("rel-1", "rel-2").getBytes(StandardCharsets.UTF_8)));
        assertThat(PackageVerifier.verify(tampered, SIGNER.publicKey()).problems())
                .containsExactly("the signature does not verify the manifest with this public key");
    }

    @Test
    void aWrongKeyFails() {
        assertThat(PackageVerifier.verify(zip, Ed25519PackageSigner.generate().publicKey()).valid()).isFalse();
        assertThat(PackageVerifier.verify(zip, new byte[] {1, 2, 3}).problems())
                .containsExactly("the signature does not verify the manifest with this public key");
    }

    @Test
    void anAddedEntryFails() throws IOException {
        Path tampered = folder.resolve("extra.zip");
        copy(zip, tampered, Map.of());
        Path withExtra = folder.resolve("extra2.zip");
        try (InputStream in = Files.newInputStream(tampered); ZipInputStream source = new ZipInputStream(in);
                OutputStream out = Files.newOutputStream(withExtra); ZipOutputStream target = new ZipOutputStream(out)) {
            ZipEntry entry;
            while ((entry = source.getNextEntry()) != null) {
                target.putNextEntry(new ZipEntry(entry.getName()));
                target.write(source.readAllBytes());
            }
            target.putNextEntry(new ZipEntry("files/extra.csv"));
            target.write("x\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(PackageVerifier.verify(withExtra, SIGNER.publicKey()).problems())
                .containsExactly("entry files/extra.csv is in the package but not in the manifest");
    }

    @Test
    void notAZipFails() throws IOException {
        Path junk = Files.writeString(folder.resolve("junk.zip"), "not a zip");
        assertThat(PackageVerifier.verify(junk, SIGNER.publicKey()).valid()).isFalse();
    }

    private Path rewrite(Map<String, UnaryOperator<byte[]>> changes) throws IOException {
        Path tampered = folder.resolve("tampered.zip");
        copy(zip, tampered, changes);
        return tampered;
    }

    private static void copy(Path from, Path to, Map<String, UnaryOperator<byte[]>> changes) throws IOException {
        try (InputStream in = Files.newInputStream(from); ZipInputStream source = new ZipInputStream(in);
                OutputStream out = Files.newOutputStream(to); ZipOutputStream target = new ZipOutputStream(out)) {
            ZipEntry entry;
            while ((entry = source.getNextEntry()) != null) {
                byte[] content = source.readAllBytes();
                target.putNextEntry(new ZipEntry(entry.getName()));
                target.write(changes.getOrDefault(entry.getName(), UnaryOperator.identity()).apply(content));
            }
        }
    }
}
