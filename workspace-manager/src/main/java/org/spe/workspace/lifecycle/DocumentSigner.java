package org.spe.workspace.lifecycle;

/** Signs platform documents (deletion certificates) with the platform's key; answers a base64 signature. Thread-safe. */
@FunctionalInterface
public interface DocumentSigner {
    String sign(byte[] document);
}
