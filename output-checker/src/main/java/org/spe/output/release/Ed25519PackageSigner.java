package org.spe.output.release;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import org.spe.core.ErrorCategory;
import org.spe.core.SpeException;

/** Ed25519 signatures (RFC 8032, the JDK's provider) with one key pair. Thread-safe. */
public final class Ed25519PackageSigner implements PackageSigner {
    /** The algorithm name written into packages and used to verify them. */
    public static final String ALGORITHM = "Ed25519";

    private final KeyPair keyPair;

    /** @param keyPair an Ed25519 key pair */
    public Ed25519PackageSigner(KeyPair keyPair) {
        this.keyPair = requireNonNull(keyPair, "keyPair is null");
        if (!ALGORITHM.equals(keyPair.getPrivate().getAlgorithm()) && !"EdDSA".equals(keyPair.getPrivate().getAlgorithm())) {
            throw new IllegalArgumentException("not an Ed25519 key pair: " + keyPair.getPrivate().getAlgorithm());
        }
    }

    /** A signer with a new random key pair; for tests and a first start without a key store. */
    public static Ed25519PackageSigner generate() {
        try {
            return new Ed25519PackageSigner(KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Ed25519 is not available in this JVM", e);
        }
    }

    @Override
    public byte[] sign(byte[] data) {
        requireNonNull(data, "data is null");
        try {
            Signature signature = Signature.getInstance(ALGORITHM);
            signature.initSign(keyPair.getPrivate());
            signature.update(data);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Cannot sign with Ed25519", e);
        }
    }

    @Override
    public byte[] publicKey() {
        return keyPair.getPublic().getEncoded();
    }

    @Override
    public String algorithm() {
        return ALGORITHM;
    }
}
