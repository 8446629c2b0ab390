package org.spe.output.release.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;
import org.spe.output.release.PackageSigner;
import org.spe.output.release.PackageVerifier;

/**
 * Writes a release package: the entries given, then {@code manifest.json} listing the SHA-256 and
 * size of each, then {@code manifest.sig}, the signer's detached signature over the manifest's
 * bytes in base64. The zip is written beside its target and moved into place atomically, so a
 * crash never leaves a half-written package under the final name. Not thread-safe per target.
 */
public final class PackageWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PackageWriter() {}

    /**
     * @param file the zip to write (replaced if it exists)
     * @param header fields written at the top of the manifest (request id, permit, …)
     * @param entries entry name to content, in the order to write
     * @param signer the platform's signer
     * @param time the modification time of every entry (the release time, so rebuilding gives the same bytes)
     */
    public static void write(Path file, Map<String, Object> header, Map<String, byte[]> entries, PackageSigner signer, Instant time) {
        Path target = requireNonNull(file, "file is null").toAbsolutePath();
        ObjectNode manifest = MAPPER.createObjectNode();
        manifest.put("format", PackageVerifier.FORMAT);
        header.forEach((key, value) -> manifest.set(key, MAPPER.valueToTree(value)));
        manifest.put("algorithm", signer.algorithm());
        manifest.put("publicKeySha256", FileInspector.sha256(signer.publicKey()));
        ArrayNode files = manifest.putArray("files");
        entries.forEach((name, content) -> files.addObject().put("path", name).put("sha256", FileInspector.sha256(content)).put("size", content.length));
        byte[] manifestBytes;
        try {
            manifestBytes = MAPPER.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot write the manifest of " + target.getFileName(), e);
        }
        byte[] signature = Base64.getEncoder().encodeToString(signer.sign(manifestBytes)).getBytes(StandardCharsets.US_ASCII);
        Map<String, byte[]> all = new LinkedHashMap<>(entries);
        all.put(PackageVerifier.MANIFEST, manifestBytes);
        all.put(PackageVerifier.SIGNATURE, signature);
        try {
            Files.createDirectories(target.getParent());
            Path temporary = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            try (OutputStream out = Files.newOutputStream(temporary); ZipOutputStream zip = new ZipOutputStream(out)) {
                for (Map.Entry<String, byte[]> entry : all.entrySet()) {
                    ZipEntry zipEntry = new ZipEntry(entry.getKey());
                    zipEntry.setLastModifiedTime(FileTime.from(time));
                    zip.putNextEntry(zipEntry);
                    zip.write(entry.getValue());
                    zip.closeEntry();
                }
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot write the release package " + target.getFileName(), e);
        }
    }
}
