package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Verifies a release package offline (format in {@code docs/how-tos/release-outputs.md}): the
 * Ed25519 signature in {@value #SIGNATURE} over the exact bytes of {@value #MANIFEST}, then the
 * SHA-256 and size of every entry the manifest lists, and that the zip holds nothing else and no
 * name twice. Blocking; stateless and thread-safe.
 */
public final class PackageVerifier {
    /** The manifest entry: JSON, the SHA-256 of every other entry but the signature. */
    public static final String MANIFEST = "manifest.json";
    /** The detached signature over the manifest's bytes, base64 (RFC 4648, no line breaks). */
    public static final String SIGNATURE = "manifest.sig";
    /** The machine-readable SDC record. */
    public static final String SDC_RECORD = "sdc-record.json";
    /** The folder of the released files. */
    public static final String FILES = "files/";
    /** The manifest's {@code format} value. */
    public static final String FORMAT = "spe-release-package/1";

    private static final long MAX_ENTRY_BYTES = 1L << 30;

    private PackageVerifier() {}

    /**
     * @param zip the package
     * @param publicKey the platform's Ed25519 public key, X.509 SubjectPublicKeyInfo (DER)
     * @return the verification; never throws for a damaged package, only reports problems
     */
    public static PackageVerification verify(Path zip, byte[] publicKey) {
        requireNonNull(zip, "zip is null");
        requireNonNull(publicKey, "publicKey is null");
        List<String> problems = new ArrayList<>();
        Map<String, byte[]> digests = new LinkedHashMap<>();
        Map<String, Long> sizes = new LinkedHashMap<>();
        byte[] manifest = null;
        byte[] signature = null;
        try (InputStream file = Files.newInputStream(zip); ZipInputStream in = new ZipInputStream(file)) {
            ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                String name = entry.getName();
                if (digests.containsKey(name)) {
                    problems.add("entry " + name + " appears twice");
                    continue;
                }
                byte[] content = read(in, name);
                digests.put(name, sha256(content));
                sizes.put(name, (long) content.length);
                if (name.equals(MANIFEST)) {
                    manifest = content;
                } else if (name.equals(SIGNATURE)) {
                    signature = content;
                }
            }
        } catch (IOException | IllegalStateException e) {
            return new PackageVerification(List.of(), List.of("the package cannot be read as a zip: " + e.getMessage()));
        }
        if (manifest == null || signature == null) {
            problems.add("the package has no " + (manifest == null ? MANIFEST : SIGNATURE));
            return new PackageVerification(List.of(), problems);
        }
        if (!signatureValid(manifest, signature, publicKey)) {
            problems.add("the signature does not verify the manifest with this public key");
            return new PackageVerification(List.of(), problems);
        }
        List<String> verified = new ArrayList<>();
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(manifest);
        } catch (IOException e) {
            problems.add("the manifest is not JSON: " + e.getMessage());
            return new PackageVerification(List.of(), problems);
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            problems.add("the manifest format is not " + FORMAT);
        }
        List<String> listed = new ArrayList<>(List.of(MANIFEST, SIGNATURE));
        for (JsonNode file : root.path("files")) {
            String name = file.path("path").asText();
            listed.add(name);
            byte[] digest = digests.get(name);
            if (digest == null) {
                problems.add("entry " + name + " is in the manifest but not in the package");
            } else if (!HexFormat.of().formatHex(digest).equals(file.path("sha256").asText())) {
                problems.add("entry " + name + " does not match its SHA-256 in the manifest");
            } else if (sizes.get(name) != file.path("size").asLong(-1)) {
                problems.add("entry " + name + " does not match its size in the manifest");
            } else {
                verified.add(name);
            }
        }
        for (String name : digests.keySet()) {
            if (!listed.contains(name)) {
                problems.add("entry " + name + " is in the package but not in the manifest");
            }
        }
        return new PackageVerification(verified, problems);
    }

    private static boolean signatureValid(byte[] manifest, byte[] signature, byte[] publicKey) {
        try {
            PublicKey key = KeyFactory.getInstance(Ed25519PackageSigner.ALGORITHM).generatePublic(new X509EncodedKeySpec(publicKey));
            Signature verifier = Signature.getInstance(Ed25519PackageSigner.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(manifest);
            return verifier.verify(Base64.getDecoder().decode(new String(signature, StandardCharsets.US_ASCII).trim()));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] read(ZipInputStream in, String name) throws IOException {
        byte[] content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_ENTRY_BYTES + 1));
        if (content.length > MAX_ENTRY_BYTES) {
            throw new IOException("entry " + name + " is larger than " + MAX_ENTRY_BYTES + " bytes");
        }
        return content;
    }

    static byte[] sha256(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
