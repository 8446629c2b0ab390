package org.spe.core.secrets;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;

/**
 * The embedded default {@link SecretStore}: one file holding every secret, encrypted with
 * AES-256-GCM under a key derived from the master passphrase with Argon2id (BouncyCastle).
 *
 * <p>File layout (all integers big-endian): the 8 ASCII bytes {@code SPEKEYS1}; Argon2id memory
 * in KiB, iterations and parallelism (three 4-byte integers); a 16-byte salt; a 12-byte GCM
 * nonce; then the ciphertext with its 16-byte tag. The 48-byte header is the GCM associated
 * data, so changing a KDF parameter is detected like any other alteration. The plaintext is a
 * JSON object from secret name to {@code {"type": "secret"|"ed25519", "value": base64}}. Each
 * write uses a fresh nonce, goes to a temporary file (mode 600) and is moved into place
 * atomically, so a crash leaves either the old or the new keystore.
 *
 * <p>Thread-safe: all access is serialised on this object. The derived key stays in memory for
 * the life of the store; the passphrase is not kept.
 */
public final class LocalKeystoreSecretStore implements SecretStore {
    private static final Logger log = LoggerFactory.getLogger(LocalKeystoreSecretStore.class);
    private static final byte[] MAGIC = "SPEKEYS1".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT_LENGTH = 16;
    private static final int NONCE_LENGTH = 12;
    private static final int HEADER_LENGTH = MAGIC.length + 12 + SALT_LENGTH + NONCE_LENGTH;
    private static final String TYPE_SECRET = "secret";
    private static final String TYPE_ED25519 = "ed25519";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Argon2id cost parameters. {@link #recommended()} follows OWASP's minimum (19 MiB, 2
     * iterations, 1 lane); tests may use cheaper ones.
     */
    public record KdfParameters(int memoryKib, int iterations, int parallelism) {
        public KdfParameters {
            if (memoryKib < 8 || memoryKib > 4 * 1024 * 1024) {
                throw new IllegalArgumentException("memoryKib must be 8..4194304: " + memoryKib);
            }
            if (iterations < 1 || iterations > 100) {
                throw new IllegalArgumentException("iterations must be 1..100: " + iterations);
            }
            if (parallelism < 1 || parallelism > 16) {
                throw new IllegalArgumentException("parallelism must be 1..16: " + parallelism);
            }
        }

        public static KdfParameters recommended() {
            return new KdfParameters(19 * 1024, 2, 1);
        }
    }

    private record Entry(String type, String value) {}

    private final Path file;
    private final KdfParameters kdf;
    private final byte[] salt;
    private final byte[] key;
    private final SecureRandom random;
    private final Map<String, Entry> entries;

    private LocalKeystoreSecretStore(Path file, KdfParameters kdf, byte[] salt, byte[] key, SecureRandom random, Map<String, Entry> entries) {
        this.file = file;
        this.kdf = kdf;
        this.salt = salt;
        this.key = key;
        this.random = random;
        this.entries = entries;
    }

    /** Opens {@code file} with the recommended KDF parameters for a new file. See {@link #open(Path, char[], KdfParameters)}. */
    public static LocalKeystoreSecretStore open(Path file, char[] passphrase) {
        return open(file, passphrase, KdfParameters.recommended());
    }

    /**
     * Opens the keystore in {@code file}, creating an empty one (with {@code newFileKdf}) if it
     * does not exist. Blocks for the key derivation (a fraction of a second with the
     * recommended parameters). An existing file keeps the KDF parameters in its header.
     *
     * @throws SpeException with category {@code UNAUTHENTICATED} if the passphrase is wrong or
     *     the file was altered (AES-GCM cannot tell these apart), {@code INTERNAL} if the file
     *     is not a keystore
     * @throws RetriableException if the file cannot be read or written
     */
    public static LocalKeystoreSecretStore open(Path file, char[] passphrase, KdfParameters newFileKdf) {
        requireNonNull(file, "file is null");
        requireNonNull(passphrase, "passphrase is null");
        requireNonNull(newFileKdf, "newFileKdf is null");
        if (passphrase.length == 0) {
            throw new IllegalArgumentException("master passphrase is empty");
        }
        SecureRandom random = new SecureRandom();
        try {
            if (!Files.exists(file)) {
                byte[] salt = new byte[SALT_LENGTH];
                random.nextBytes(salt);
                LocalKeystoreSecretStore store = new LocalKeystoreSecretStore(
                        file, newFileKdf, salt, deriveKey(passphrase, salt, newFileKdf), random, new TreeMap<>());
                store.save();
                log.info("Created keystore {}", file);
                return store;
            }
            byte[] content = Files.readAllBytes(file);
            if (content.length < HEADER_LENGTH + 16 || !Arrays.equals(content, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                throw new SpeException(ErrorCategory.INTERNAL, "Not an SPE keystore file: " + file);
            }
            ByteBuffer header = ByteBuffer.wrap(content, MAGIC.length, HEADER_LENGTH - MAGIC.length);
            KdfParameters kdf;
            try {
                kdf = new KdfParameters(header.getInt(), header.getInt(), header.getInt());
            } catch (IllegalArgumentException e) {
                throw new SpeException(ErrorCategory.INTERNAL, "Keystore header is damaged: " + file, e);
            }
            byte[] salt = new byte[SALT_LENGTH];
            header.get(salt);
            byte[] nonce = new byte[NONCE_LENGTH];
            header.get(nonce);
            byte[] key = deriveKey(passphrase, salt, kdf);
            byte[] plaintext;
            try {
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
                cipher.updateAAD(content, 0, HEADER_LENGTH);
                plaintext = cipher.doFinal(content, HEADER_LENGTH, content.length - HEADER_LENGTH);
            } catch (javax.crypto.AEADBadTagException e) {
                throw new SpeException(ErrorCategory.UNAUTHENTICATED,
                        "Cannot open keystore " + file + ": wrong master passphrase or the file was altered", e);
            }
            Map<String, Entry> entries = JSON.readValue(plaintext, new TypeReference<TreeMap<String, Entry>>() {});
            Arrays.fill(plaintext, (byte) 0);
            return new LocalKeystoreSecretStore(file, kdf, salt, key, random, entries);
        } catch (IOException e) {
            throw new RetriableException("Cannot read or write keystore " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "AES-GCM is unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized byte[] secret(String name, int lengthBytes) {
        SecretStore.checkName(name);
        if (lengthBytes < 1 || lengthBytes > 1024) {
            throw new IllegalArgumentException("secret length must be 1..1024 bytes: " + lengthBytes);
        }
        Entry entry = entries.get(name);
        if (entry == null) {
            byte[] value = new byte[lengthBytes];
            random.nextBytes(value);
            put(name, new Entry(TYPE_SECRET, Base64.getEncoder().encodeToString(value)));
            return value;
        }
        if (!entry.type().equals(TYPE_SECRET)) {
            throw new IllegalArgumentException("secret " + name + " is a " + entry.type() + " key pair, not a secret");
        }
        byte[] value = Base64.getDecoder().decode(entry.value());
        if (value.length != lengthBytes) {
            throw new IllegalArgumentException("secret " + name + " has " + value.length + " bytes, not " + lengthBytes);
        }
        return value;
    }

    @Override
    public synchronized Ed25519KeyPair signingKeyPair(String name) {
        SecretStore.checkName(name);
        Entry entry = entries.get(name);
        if (entry == null) {
            Ed25519KeyPair pair = Ed25519KeyPair.generate(random);
            put(name, new Entry(TYPE_ED25519, Base64.getEncoder().encodeToString(pair.privateKey())));
            return pair;
        }
        if (!entry.type().equals(TYPE_ED25519)) {
            throw new IllegalArgumentException("secret " + name + " is a " + entry.type() + ", not an Ed25519 key pair");
        }
        return Ed25519KeyPair.fromPrivateKey(Base64.getDecoder().decode(entry.value()));
    }

    /** The keystore file. */
    public Path file() {
        return file;
    }

    private void put(String name, Entry entry) {
        entries.put(name, entry);
        try {
            save();
        } catch (IOException | GeneralSecurityException e) {
            entries.remove(name);
            throw new RetriableException("Cannot write keystore " + file + ": " + e.getMessage(), e);
        }
        log.info("Created secret {} in keystore {}", name, file);
    }

    private void save() throws IOException, GeneralSecurityException {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH);
        header.put(MAGIC).putInt(kdf.memoryKib()).putInt(kdf.iterations()).putInt(kdf.parallelism()).put(salt).put(nonce);
        byte[] plaintext = JSON.writeValueAsBytes(entries);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        cipher.updateAAD(header.array());
        byte[] ciphertext = cipher.doFinal(plaintext);
        Arrays.fill(plaintext, (byte) 0);
        Path directory = file.toAbsolutePath().getParent();
        Files.createDirectories(directory);
        Path temporary = directory.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException | FileAlreadyExistsException e) {
            Files.deleteIfExists(temporary);
            Files.createFile(temporary);
        }
        byte[] content = new byte[HEADER_LENGTH + ciphertext.length];
        System.arraycopy(header.array(), 0, content, 0, HEADER_LENGTH);
        System.arraycopy(ciphertext, 0, content, HEADER_LENGTH, ciphertext.length);
        Files.write(temporary, content);
        try (var channel = java.nio.channels.FileChannel.open(temporary, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static byte[] deriveKey(char[] passphrase, byte[] salt, KdfParameters kdf) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(kdf.memoryKib())
                .withIterations(kdf.iterations())
                .withParallelism(kdf.parallelism())
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] key = new byte[32];
        generator.generateBytes(passphrase, key);
        return key;
    }
}
