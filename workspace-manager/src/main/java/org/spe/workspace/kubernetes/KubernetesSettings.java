package org.spe.workspace.kubernetes;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How workspaces run on a Kubernetes cluster. Checked when built, so a bad value stops the platform at startup.
 *
 * @param namespacePrefix each workspace gets the namespace {@code <prefix><workspace id>} (lower case)
 * @param platformNamespace the namespace of the platform's server pods, the only peer a workspace may reach
 * @param platformPort the TCP port on the server pods that workspaces may reach (the helper's SQL service)
 * @param apiServerUrl the Kubernetes API as a workspace's Spark driver reaches it, by address ({@code https://10.100.0.1:443}); no DNS
 * @param apiServerCidr the API server endpoints' addresses, the one egress beside the platform (Spark asks it for executor pods)
 * @param image the workspace image (Jupyter, desktop, helper, Spark) pinned by digest: {@code registry/name@sha256:…}
 * @param storageClass storage class of the workspace's home volume; empty takes the cluster's default
 * @param extractNfsServer the shared filesystem (NFS, for example Amazon EFS) where the platform writes extracts
 * @param extractNfsPath the export path on it that holds the platform's {@code extracts/} folder
 * @param notebookCores cores of the notebook pod, which also runs the workspace's Spark driver
 * @param notebookMemoryMb memory (MiB) of the notebook pod
 * @param startTimeout how long a workspace's notebook pod, or a node pool's nodes, may take to be ready before an operation gives up
 */
public record KubernetesSettings(
        String namespacePrefix,
        String platformNamespace,
        int platformPort,
        String apiServerUrl,
        String apiServerCidr,
        String image,
        Optional<String> storageClass,
        String extractNfsServer,
        String extractNfsPath,
        int notebookCores,
        int notebookMemoryMb,
        Duration startTimeout) {
    private static final Pattern DNS_LABEL_PREFIX = Pattern.compile("[a-z]([-a-z0-9]{0,30})");
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern CIDR = Pattern.compile("(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}|[0-9a-fA-F:]+/\\d{1,3}");
    private static final Pattern PINNED_IMAGE = Pattern.compile("[^@\\s]+@sha256:[0-9a-f]{64}");

    public KubernetesSettings {
        requireNonNull(namespacePrefix, "namespacePrefix is null");
        requireNonNull(platformNamespace, "platformNamespace is null");
        requireNonNull(apiServerUrl, "apiServerUrl is null");
        requireNonNull(apiServerCidr, "apiServerCidr is null");
        requireNonNull(image, "image is null");
        requireNonNull(storageClass, "storageClass is null");
        requireNonNull(extractNfsServer, "extractNfsServer is null");
        requireNonNull(extractNfsPath, "extractNfsPath is null");
        requireNonNull(startTimeout, "startTimeout is null");
        if (!DNS_LABEL_PREFIX.matcher(namespacePrefix).matches()) {
            throw new IllegalArgumentException("namespacePrefix must be lower-case letters, digits and '-', start with a letter, at most 31 characters: " + namespacePrefix);
        }
        if (!DNS_LABEL.matcher(platformNamespace).matches()) {
            throw new IllegalArgumentException("platformNamespace must be a DNS label: " + platformNamespace);
        }
        if (platformPort < 1 || platformPort > 65535) {
            throw new IllegalArgumentException("platformPort must be 1..65535: " + platformPort);
        }
        if (!apiServerUrl.matches("https://[0-9.:\\[\\]a-fA-F]+(:\\d+)?")) {
            throw new IllegalArgumentException("apiServerUrl must be https:// and an IP address (workspaces have no DNS): " + apiServerUrl);
        }
        if (!CIDR.matcher(apiServerCidr).matches()) {
            throw new IllegalArgumentException("apiServerCidr must be an address block such as 10.0.0.0/24: " + apiServerCidr);
        }
        if (!PINNED_IMAGE.matcher(image).matches()) {
            throw new IllegalArgumentException("image must be pinned by digest (name@sha256:<64 hex>): " + image);
        }
        if (extractNfsServer.isBlank()) {
            throw new IllegalArgumentException("extractNfsServer must name the shared filesystem that holds extracts");
        }
        if (!extractNfsPath.startsWith("/")) {
            throw new IllegalArgumentException("extractNfsPath must be an absolute path: " + extractNfsPath);
        }
        if (notebookCores < 1 || notebookMemoryMb < 1024) {
            throw new IllegalArgumentException("notebookCores must be at least 1 and notebookMemoryMb at least 1024");
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive");
        }
    }

    /** The namespace of a workspace: the prefix and the workspace id in lower case, other characters as '-'. */
    public String namespace(String workspaceId) {
        String name = (namespacePrefix + workspaceId.toLowerCase(java.util.Locale.ROOT)).replaceAll("[^-a-z0-9]", "-");
        if (name.length() > 63 || !DNS_LABEL.matcher(name).matches()) {
            throw new IllegalArgumentException("Workspace id " + workspaceId + " does not make a valid namespace name");
        }
        return name;
    }
}
