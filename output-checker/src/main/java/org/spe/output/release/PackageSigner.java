package org.spe.output.release;

/**
 * Signs release-package manifests with the platform's key. The platform feeds it from its secret
 * store; {@link Ed25519PackageSigner} is the implementation over a key pair. Implementations are
 * thread-safe.
 */
public interface PackageSigner {
    /** A detached signature over {@code data}. */
    byte[] sign(byte[] data);

    /** The public key that verifies the signatures, X.509 SubjectPublicKeyInfo (DER) encoded. */
    byte[] publicKey();

    /** The JCA signature algorithm name, e.g. {@code Ed25519}. */
    String algorithm();
}
