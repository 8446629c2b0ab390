package org.spe.audit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;
import org.spe.audit.SignedTreeHead;
import org.spe.audit.VerificationResult;

/**
 * Writes and verifies audit bundles: a UTF-8 JSON-lines file whose first line is a header
 * ({@code "format": "spe-audit-bundle/1"}, the purged prefix's size and compact range), then one
 * {@code {"treeHead": …}} line per signed tree head (oldest first), then the events in sequence
 * order in groups of up to 1000: a {@code {"leafHashes": …}} line followed by the canonical event
 * lines. Each event line is exactly the leaf data of its event. Stateless.
 */
public final class BundleFormat {
    public static final String FORMAT = "spe-audit-bundle/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleFormat() {}

    /** Writes the header line. */
    public static void writeHeader(OutputStream out, Instant exportedAt, byte[] publicKey, long treeSize, long purgedSize,
            List<String> purgedFrontier) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.put("format", FORMAT);
        header.put("exportedAt", exportedAt.toString());
        header.put("publicKey", Base64.getEncoder().encodeToString(publicKey));
        header.put("treeSize", treeSize);
        header.put("purgedSize", purgedSize);
        ArrayNode frontier = header.putArray("purgedFrontier");
        purgedFrontier.forEach(frontier::add);
        writeLine(out, header);
    }

    /** Writes the header of a filtered bundle: only matching events, each with an inclusion proof. */
    public static void writeFilteredHeader(OutputStream out, Instant exportedAt, byte[] publicKey, long treeSize, String query) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.put("format", FORMAT);
        header.put("filtered", true);
        header.put("query", query);
        header.put("exportedAt", exportedAt.toString());
        header.put("publicKey", Base64.getEncoder().encodeToString(publicKey));
        header.put("treeSize", treeSize);
        writeLine(out, header);
    }

    /** Writes {@code {"inclusionProof": {"seq", "treeSize", "path"}}} and then the event's canonical line. */
    public static void writeProvenEvent(OutputStream out, org.spe.audit.InclusionProof proof, byte[] canonical) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        ObjectNode node = line.putObject("inclusionProof");
        node.put("seq", proof.sequence());
        node.put("treeSize", proof.treeSize());
        ArrayNode path = node.putArray("path");
        proof.path().forEach(hash -> path.add(Base64.getEncoder().encodeToString(hash)));
        writeLine(out, line);
        out.write(canonical);
        out.write('\n');
    }

    /** Writes one tree head line. */
    public static void writeTreeHead(OutputStream out, SignedTreeHead head) throws IOException {
        ObjectNode line = JSON.createObjectNode();
        ObjectNode node = line.putObject("treeHead");
        node.put("treeSize", head.treeSize());
        node.put("time", head.time().toString());
        node.put("rootHash", Base64.getEncoder().encodeToString(head.rootHash()));
        node.put("signature", Base64.getEncoder().encodeToString(head.signature()));
        writeLine(out, line);
    }

    /** Events per leaf-hash line. */
    public static final int LEAF_HASH_GROUP = 1000;

    /**
     * Writes a group of consecutive events starting at {@code firstSequence}: one
     * {@code {"leafHashes": {"from": s, "hashes": [base64…]}}} line, then each canonical event line.
     * The leaf hashes let a verifier name the exact event whose content was changed; the tree
     * heads prove them.
     */
    public static void writeEvents(OutputStream out, long firstSequence, List<byte[]> canonicals) throws IOException {
        if (canonicals.isEmpty()) {
            return;
        }
        ObjectNode line = JSON.createObjectNode();
        ObjectNode group = line.putObject("leafHashes");
        group.put("from", firstSequence);
        ArrayNode hashes = group.putArray("hashes");
        for (byte[] canonical : canonicals) {
            hashes.add(Base64.getEncoder().encodeToString(org.spe.audit.TreeHashes.leafHash(canonical)));
        }
        writeLine(out, line);
        for (byte[] canonical : canonicals) {
            out.write(canonical);
            out.write('\n');
        }
    }

    private static void writeLine(OutputStream out, JsonNode node) throws IOException {
        out.write(JSON.writeValueAsBytes(node));
        out.write('\n');
    }

    /**
     * Verifies the bundle in {@code file} with only the raw Ed25519 {@code publicKey}: every
     * event line's leaf hash, the sequence numbers, every tree head's signature and root.
     * Reads the file once; memory stays constant beyond the tree heads.
     */
    public static VerificationResult verify(Path file, byte[] publicKey) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            LineReader reader = new LineReader(in);
            byte[] line = reader.next();
            if (line == null) {
                return failure(1, "the bundle is empty");
            }
            JsonNode header;
            try {
                header = JSON.readTree(line);
            } catch (IOException e) {
                return failure(1, "the first line is not a bundle header");
            }
            if (!FORMAT.equals(header.path("format").asText())) {
                return failure(1, "the first line is not a " + FORMAT + " header");
            }
            long purgedSize = header.path("purgedSize").asLong(0);
            List<String> frontier = new ArrayList<>();
            header.path("purgedFrontier").forEach(node -> frontier.add(node.asText()));
            List<SignedTreeHead> heads = new ArrayList<>();
            line = reader.next();
            while (line != null && !EventCodec.isEventLine(line) && !isLeafHashLine(line) && !startsWith(line, PROOF_PREFIX)) {
                SignedTreeHead head;
                try {
                    JsonNode node = JSON.readTree(line).get("treeHead");
                    head = new SignedTreeHead(node.get("treeSize").asLong(), Instant.parse(node.get("time").asText()),
                            Base64.getDecoder().decode(node.get("rootHash").asText()),
                            Base64.getDecoder().decode(node.get("signature").asText()));
                } catch (IOException | RuntimeException e) {
                    return failure(purgedSize + 1, "a tree head line cannot be read: " + e.getMessage());
                }
                heads.add(head);
                line = reader.next();
            }
            if (header.path("filtered").asBoolean(false)) {
                return verifyFiltered(reader, line, heads, publicKey);
            }
            StreamVerifier verifier;
            try {
                verifier = new StreamVerifier(publicKey, heads, purgedSize, frontier);
            } catch (IllegalArgumentException e) {
                return failure(purgedSize + 1, "the purged prefix summary is damaged: " + e.getMessage());
            }
            java.util.Map<Long, byte[]> expectedLeaves = new java.util.HashMap<>();
            while (line != null && verifier.intact()) {
                if (isLeafHashLine(line)) {
                    expectedLeaves.clear();
                    try {
                        JsonNode group = JSON.readTree(line).get("leafHashes");
                        long from = group.get("from").asLong();
                        for (JsonNode hash : group.get("hashes")) {
                            expectedLeaves.put(from++, Base64.getDecoder().decode(hash.asText()));
                        }
                    } catch (IOException | RuntimeException e) {
                        return failure(verifier.expectedSequence(), "a leaf-hash line cannot be read: " + e.getMessage());
                    }
                    line = reader.next();
                    continue;
                }
                OptionalLong sequence = EventCodec.sequenceOf(line).map(OptionalLong::of).orElse(OptionalLong.empty());
                if (sequence.isEmpty()) {
                    return failure(verifier.expectedSequence(), "line for event " + verifier.expectedSequence() + " is not a canonical event line");
                }
                verifier.accept(sequence.getAsLong(), line, expectedLeaves.get(sequence.getAsLong()));
                line = reader.next();
            }
            return verifier.finish();
        }
    }

    private static final byte[] PROOF_PREFIX = "{\"inclusionProof\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean startsWith(byte[] line, byte[] prefix) {
        return line.length > prefix.length && java.util.Arrays.equals(line, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * A filtered bundle: every tree head must be validly signed; then each event line, preceded by
     * its inclusion proof, must hash to a leaf that the proof leads to the signed root of its tree
     * size, in ascending sequence order. Names the first event that fails.
     */
    private static VerificationResult verifyFiltered(LineReader reader, byte[] firstLine, List<SignedTreeHead> heads, byte[] publicKey)
            throws IOException {
        java.util.Map<Long, byte[]> roots = new java.util.HashMap<>();
        String badHead = null;
        long signedSize = 0;
        for (SignedTreeHead head : heads) {
            if (head.verifySignature(publicKey)) {
                roots.put(head.treeSize(), head.rootHash());
                signedSize = Math.max(signedSize, head.treeSize());
            } else if (badHead == null) {
                badHead = "tree head of size " + head.treeSize() + " has an invalid signature";
            }
        }
        long count = 0;
        long previous = 0;
        byte[] line = firstLine;
        while (line != null) {
            long sequence;
            long treeSize;
            List<byte[]> path = new ArrayList<>();
            try {
                JsonNode proof = JSON.readTree(line).get("inclusionProof");
                sequence = proof.get("seq").asLong();
                treeSize = proof.get("treeSize").asLong();
                for (JsonNode hash : proof.get("path")) {
                    path.add(Base64.getDecoder().decode(hash.asText()));
                }
            } catch (IOException | RuntimeException e) {
                return new VerificationResult(count, signedSize, OptionalLong.of(previous + 1), "an inclusion proof line cannot be read");
            }
            byte[] event = reader.next();
            if (badHead != null) {
                return new VerificationResult(count, signedSize, OptionalLong.of(sequence), badHead);
            }
            if (event == null || EventCodec.sequenceOf(event).orElse(-1L) != sequence) {
                return new VerificationResult(count, signedSize, OptionalLong.of(sequence), "event " + sequence + " is missing after its proof");
            }
            if (sequence <= previous) {
                return new VerificationResult(count, signedSize, OptionalLong.of(sequence), "event " + sequence + " appears out of order");
            }
            byte[] root = roots.get(treeSize);
            if (root == null || !org.spe.audit.TreeHashes.verifyInclusion(sequence - 1, treeSize, org.spe.audit.TreeHashes.leafHash(event), path, root)) {
                return new VerificationResult(count, signedSize, OptionalLong.of(sequence),
                        "event " + sequence + " is not proven included in a signed tree head of size " + treeSize);
            }
            previous = sequence;
            count++;
            line = reader.next();
        }
        if (badHead != null) {
            return new VerificationResult(count, signedSize, OptionalLong.of(1), badHead);
        }
        return new VerificationResult(count, signedSize, OptionalLong.empty(),
                "each event is proven included in a signed tree head; a filtered bundle cannot show that no other events match");
    }

    private static final byte[] LEAF_HASH_PREFIX = "{\"leafHashes\":".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private static boolean isLeafHashLine(byte[] line) {
        return line.length > LEAF_HASH_PREFIX.length && java.util.Arrays.equals(line, 0, LEAF_HASH_PREFIX.length, LEAF_HASH_PREFIX, 0, LEAF_HASH_PREFIX.length);
    }

    private static VerificationResult failure(long sequence, String message) {
        return new VerificationResult(0, 0, OptionalLong.of(sequence), message);
    }

    /** Splits a stream on '\n' into byte arrays, without decoding. */
    private static final class LineReader {
        private final InputStream in;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);

        LineReader(InputStream in) {
            this.in = in;
        }

        byte[] next() throws IOException {
            buffer.reset();
            int b = in.read();
            if (b < 0) {
                return null;
            }
            while (b >= 0 && b != '\n') {
                buffer.write(b);
                b = in.read();
            }
            return buffer.toByteArray();
        }
    }
}
