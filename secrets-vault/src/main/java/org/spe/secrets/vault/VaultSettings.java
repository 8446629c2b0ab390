package org.spe.secrets.vault;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How the platform reaches Vault and proves who it is.
 *
 * @param address the server's base URL, {@code https://vault.example:8200} (the {@code /v1} API is
 *     appended)
 * @param namespace Vault Enterprise namespace, empty for none
 * @param kvMount mount of the KV version 2 engine holding the platform's secrets
 * @param pathPrefix path under the mount below which every secret name lives
 *     ({@code <kvMount>/data/<pathPrefix>/<name>})
 * @param authentication how a token is obtained
 * @param tokenFile file holding a token (token-file authentication, e.g. written by Vault Agent);
 *     read again whenever the token must be replaced
 * @param authMount mount path of the AppRole or Kubernetes auth method ({@code approle},
 *     {@code kubernetes})
 * @param roleId AppRole role ID
 * @param secretIdFile file holding the AppRole secret ID
 * @param kubernetesRole Vault role for Kubernetes authentication
 * @param serviceAccountTokenFile the pod's service-account JWT
 * @param timeout connect and read timeout of each request
 */
public record VaultSettings(
        URI address,
        String namespace,
        String kvMount,
        String pathPrefix,
        Authentication authentication,
        Path tokenFile,
        String authMount,
        String roleId,
        Path secretIdFile,
        String kubernetesRole,
        Path serviceAccountTokenFile,
        Duration timeout) {

    /** How the platform authenticates to Vault. */
    public enum Authentication {
        /** A token read from a file (Vault Agent's sink, or an operator-issued token). */
        TOKEN_FILE,
        /** AppRole: role ID plus a secret ID read from a file. */
        APPROLE,
        /** Kubernetes: the pod's service-account JWT exchanged for a token. */
        KUBERNETES
    }

    public VaultSettings {
        requireNonNull(address, "address is null");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(kvMount, "kvMount is null");
        requireNonNull(pathPrefix, "pathPrefix is null");
        requireNonNull(authentication, "authentication is null");
        requireNonNull(tokenFile, "tokenFile is null");
        requireNonNull(authMount, "authMount is null");
        requireNonNull(roleId, "roleId is null");
        requireNonNull(secretIdFile, "secretIdFile is null");
        requireNonNull(kubernetesRole, "kubernetesRole is null");
        requireNonNull(serviceAccountTokenFile, "serviceAccountTokenFile is null");
        requireNonNull(timeout, "timeout is null");
        String scheme = address.getScheme();
        if (!"https".equals(scheme) && !"http".equals(scheme) || address.getHost() == null) {
            throw new IllegalArgumentException("secrets.vault.address must be an http(s)://host:port URL: " + address);
        }
        if (!kvMount.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*") || hasDotSegment(kvMount)) {
            throw new IllegalArgumentException("secrets.vault.kvMount must be a mount path such as secret: " + kvMount);
        }
        if (!pathPrefix.matches("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*") || hasDotSegment(pathPrefix)) {
            throw new IllegalArgumentException("secrets.vault.pathPrefix must be a path such as spe: " + pathPrefix);
        }
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("secrets.vault.timeoutSeconds must be 1..300: " + timeout.toSeconds());
        }
        switch (authentication) {
            case TOKEN_FILE:
                if (tokenFile.toString().isEmpty()) {
                    throw new IllegalArgumentException("secrets.vault.tokenFile is required for token-file authentication");
                }
                break;
            case APPROLE:
                if (roleId.isBlank() || secretIdFile.toString().isEmpty() || authMount.isBlank()) {
                    throw new IllegalArgumentException("secrets.vault.roleId, secretIdFile and authMount are required for AppRole authentication");
                }
                break;
            case KUBERNETES:
                if (kubernetesRole.isBlank() || serviceAccountTokenFile.toString().isEmpty() || authMount.isBlank()) {
                    throw new IllegalArgumentException(
                            "secrets.vault.kubernetesRole, serviceAccountTokenFile and authMount are required for Kubernetes authentication");
                }
                break;
        }
    }

    /** Token-file authentication against {@code address}, with the default mount, prefix and timeout. */
    public static VaultSettings tokenFile(URI address, Path tokenFile) {
        return new VaultSettings(address, "", "secret", "spe", Authentication.TOKEN_FILE, tokenFile, "", "", Path.of(""), "", Path.of(""),
                Duration.ofSeconds(10));
    }

    /** AppRole authentication against {@code address} (auth mount {@code approle}). */
    public static VaultSettings appRole(URI address, String roleId, Path secretIdFile) {
        return new VaultSettings(address, "", "secret", "spe", Authentication.APPROLE, Path.of(""), "approle", roleId, secretIdFile, "",
                Path.of(""), Duration.ofSeconds(10));
    }

    /** Kubernetes authentication against {@code address} (auth mount {@code kubernetes}). */
    public static VaultSettings kubernetes(URI address, String role, Path serviceAccountTokenFile) {
        return new VaultSettings(address, "", "secret", "spe", Authentication.KUBERNETES, Path.of(""), "kubernetes", "", Path.of(""), role,
                serviceAccountTokenFile, Duration.ofSeconds(10));
    }

    /** A copy with another path prefix (tests keep their secrets apart). */
    public VaultSettings withPathPrefix(String prefix) {
        return new VaultSettings(address, namespace, kvMount, prefix, authentication, tokenFile, authMount, roleId, secretIdFile, kubernetesRole,
                serviceAccountTokenFile, timeout);
    }

    /** A copy with another timeout. */
    public VaultSettings withTimeout(Duration newTimeout) {
        return new VaultSettings(address, namespace, kvMount, pathPrefix, authentication, tokenFile, authMount, roleId, secretIdFile, kubernetesRole,
                serviceAccountTokenFile, newTimeout);
    }

    /** Whether a path has a {@code .} or {@code ..} segment, which would address something else than it names. */
    static boolean hasDotSegment(String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** The address without a trailing slash, as the driver wants it. */
    String baseAddress() {
        String text = address.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }
}
