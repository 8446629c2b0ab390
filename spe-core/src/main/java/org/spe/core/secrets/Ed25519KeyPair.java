package org.spe.core.secrets;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * An Ed25519 key pair in raw RFC 8032 form: the 32-byte private seed and the 32-byte public key.
 * Signs with BouncyCastle's Ed25519 (pure, no prehash, no context). Immutable and thread-safe;
 * accessors return copies. {@link #toString()} never shows the private key.
 */
public final class Ed25519KeyPair {
    /** Length in bytes of the private seed and of the public key. */
    public static final int KEY_LENGTH = 32;
    /** Length in bytes of a signature. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final byte[] privateKey;
    private final byte[] publicKey;

    private Ed25519KeyPair(byte[] privateKey) {
        this.privateKey = privateKey.clone();
        this.publicKey = new Ed25519PrivateKeyParameters(privateKey, 0).generatePublicKey().getEncoded();
    }

    /** The key pair whose private seed is {@code privateKey} (32 bytes). */
    public static Ed25519KeyPair fromPrivateKey(byte[] privateKey) {
        requireNonNull(privateKey, "privateKey is null");
        if (privateKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("Ed25519 private key must be 32 bytes, got " + privateKey.length);
        }
        return new Ed25519KeyPair(privateKey);
    }

    /** A new random key pair. */
    public static Ed25519KeyPair generate(java.security.SecureRandom random) {
        byte[] seed = new byte[KEY_LENGTH];
        random.nextBytes(seed);
        return new Ed25519KeyPair(seed);
    }

    /** The raw 32-byte private seed (a copy). */
    public byte[] privateKey() {
        return privateKey.clone();
    }

    /** The raw 32-byte public key (a copy). */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** The public key as a PEM "PUBLIC KEY" block (X.509 SubjectPublicKeyInfo, RFC 8410). */
    public String publicKeyPem() {
        return publicKeyPem(publicKey);
    }

    /** Signs {@code message}; returns the 64-byte signature. */
    public byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, new Ed25519PrivateKeyParameters(privateKey, 0));
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    /** Whether {@code signature} is a valid signature of {@code message} under raw {@code publicKey}. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        requireNonNull(publicKey, "publicKey is null");
        requireNonNull(message, "message is null");
        requireNonNull(signature, "signature is null");
        if (publicKey.length != KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    /** PEM "PUBLIC KEY" block for a raw 32-byte Ed25519 public key. */
    public static String publicKeyPem(byte[] publicKey) {
        requireNonNull(publicKey, "publicKey is null");
        if (publicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("Ed25519 public key must be 32 bytes, got " + publicKey.length);
        }
        byte[] der = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + KEY_LENGTH);
        System.arraycopy(publicKey, 0, der, SPKI_PREFIX.length, KEY_LENGTH);
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getEncoder().encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
    }

    /**
     * Reads an Ed25519 public key from a PEM "PUBLIC KEY" block, or from the raw key in base64
     * (44 characters); returns the raw 32 bytes.
     *
     * @throws IllegalArgumentException if the text is neither
     */
    public static byte[] parsePublicKey(String text) {
        requireNonNull(text, "text is null");
        String body = text.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "").replaceAll("\\s", "");
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("public key is neither PEM nor base64", e);
        }
        if (decoded.length == KEY_LENGTH) {
            return decoded;
        }
        if (decoded.length == SPKI_PREFIX.length + KEY_LENGTH
                && Arrays.equals(decoded, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            return Arrays.copyOfRange(decoded, SPKI_PREFIX.length, decoded.length);
        }
        throw new IllegalArgumentException("not an Ed25519 public key (" + decoded.length + " bytes)");
    }

    @Override
    public String toString() {
        return "Ed25519KeyPair[public=" + Base64.getEncoder().encodeToString(publicKey) + "]";
    }
}
