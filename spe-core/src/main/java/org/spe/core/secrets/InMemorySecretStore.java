package org.spe.core.secrets;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link SecretStore} that keeps secrets in memory only, for tests and throw-away runs
 * (benchmarks). Same get-or-create contract; nothing survives the object. Thread-safe.
 */
public final class InMemorySecretStore implements SecretStore {
    private final SecureRandom random = new SecureRandom();
    private final Map<String, byte[]> secrets = new HashMap<>();
    private final Map<String, Ed25519KeyPair> keyPairs = new HashMap<>();

    @Override
    public synchronized byte[] secret(String name, int lengthBytes) {
        SecretStore.checkName(name);
        if (lengthBytes < 1 || lengthBytes > 1024) {
            throw new IllegalArgumentException("secret length must be 1..1024 bytes: " + lengthBytes);
        }
        if (keyPairs.containsKey(name)) {
            throw new IllegalArgumentException("secret " + name + " is a ed25519 key pair, not a secret");
        }
        byte[] value = secrets.computeIfAbsent(name, key -> {
            byte[] bytes = new byte[lengthBytes];
            random.nextBytes(bytes);
            return bytes;
        });
        if (value.length != lengthBytes) {
            throw new IllegalArgumentException("secret " + name + " has " + value.length + " bytes, not " + lengthBytes);
        }
        return value.clone();
    }

    @Override
    public synchronized Ed25519KeyPair signingKeyPair(String name) {
        SecretStore.checkName(name);
        if (secrets.containsKey(name)) {
            throw new IllegalArgumentException("secret " + name + " is a secret, not an Ed25519 key pair");
        }
        return keyPairs.computeIfAbsent(name, key -> Ed25519KeyPair.generate(random));
    }
}
