package org.spe.server.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;
import org.spe.core.account.AccountSettings;

/**
 * Every setting of the platform, typed and checked at startup. Loaded by {@link ConfigLoader};
 * documented in {@code docs/configuration.md}.
 */
public record SpeConfig(Server server, String dataDir, DatabaseSettings database, Accounts accounts, Secrets secrets, Audit audit, Compute compute, Demo demo,
        WorkspacesSettings workspaces, Fees fees, Desktop desktop) {
    public SpeConfig {
        requireNonNull(fees, "fees is null");
        requireNonNull(server, "server is null");
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(database, "database is null");
        requireNonNull(accounts, "accounts is null");
        requireNonNull(secrets, "secrets is null");
        requireNonNull(audit, "audit is null");
        requireNonNull(compute, "compute is null");
        requireNonNull(demo, "demo is null");
        requireNonNull(workspaces, "workspaces is null");
        requireNonNull(desktop, "desktop is null");
        if (dataDir.isBlank()) {
            throw new IllegalArgumentException("dataDir must not be empty");
        }
    }

    public Path dataPath() {
        return Path.of(dataDir).toAbsolutePath().normalize();
    }

    /** HTTP listener. */
    public record Server(String bindAddress, int port, boolean secureCookies) {
        public Server {
            requireNonNull(bindAddress, "bindAddress is null");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("server.port must be 0..65535: " + port);
            }
        }
    }

    /** PostgreSQL: empty url means the embedded server under the data dir. */
    public record DatabaseSettings(String url, String ownerUser, String ownerPassword, String appUser, String appPassword) {
        public DatabaseSettings {
            requireNonNull(url, "database.url is null");
            requireNonNull(ownerUser, "database.ownerUser is null");
            requireNonNull(ownerPassword, "database.ownerPassword is null");
            requireNonNull(appUser, "database.appUser is null");
            requireNonNull(appPassword, "database.appPassword is null");
            if (!url.isEmpty() && !url.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("database.url must be a jdbc:postgresql:// URL or empty: " + url);
            }
        }

        public boolean embedded() {
            return url.isEmpty();
        }
    }

    /** Login, lockout and session rules. */
    public record Accounts(int maxFailedLogins, int lockoutMinutes, int totpWindowSteps, int sessionIdleMinutes, int sessionAbsoluteHours,
            int passwordMemoryKib, int passwordIterations) {
        public Accounts {
            if (lockoutMinutes < 1 || sessionIdleMinutes < 1 || sessionAbsoluteHours < 1) {
                throw new IllegalArgumentException("accounts: lockoutMinutes, sessionIdleMinutes and sessionAbsoluteHours must be at least 1");
            }
            if (passwordMemoryKib < 1024 || passwordIterations < 1) {
                throw new IllegalArgumentException("accounts: passwordMemoryKib must be at least 1024 and passwordIterations at least 1");
            }
            // the remaining ranges are checked by AccountSettings
            settings(maxFailedLogins, lockoutMinutes, totpWindowSteps, sessionIdleMinutes, sessionAbsoluteHours);
        }

        public AccountSettings toSettings() {
            return settings(maxFailedLogins, lockoutMinutes, totpWindowSteps, sessionIdleMinutes, sessionAbsoluteHours);
        }

        private static AccountSettings settings(int maxFailed, int lockout, int window, int idle, int absolute) {
            return new AccountSettings(maxFailed, Duration.ofMinutes(lockout), window, Duration.ofMinutes(idle), Duration.ofHours(absolute));
        }
    }

    /**
     * Where secrets live: {@code local}, the keystore under the data dir unlocked by the master key
     * file; or {@code vault}, HashiCorp Vault with the settings in {@link #vault()}.
     */
    public record Secrets(String backend, String masterKeyFile, VaultConnection vault) {
        public Secrets {
            requireNonNull(backend, "secrets.backend is null");
            requireNonNull(masterKeyFile, "secrets.masterKeyFile is null");
            requireNonNull(vault, "secrets.vault is null");
            if (!backend.equals("local") && !backend.equals("vault")) {
                throw new IllegalArgumentException("secrets.backend must be local or vault: " + backend);
            }
            if (backend.equals("vault")) {
                vault.toSettings(); // checks the Vault settings at startup, not at the first secret
            }
        }

        public boolean useVault() {
            return backend.equals("vault");
        }
    }

    /** How the platform reaches Vault (used when {@code secrets.backend} is {@code vault}). */
    public record VaultConnection(String address, String namespace, String kvMount, String pathPrefix, String auth, String authMount,
            String tokenFile, String roleId, String secretIdFile, String kubernetesRole, String serviceAccountTokenFile, int timeoutSeconds) {
        public VaultConnection {
            requireNonNull(address, "secrets.vault.address is null");
            requireNonNull(namespace, "secrets.vault.namespace is null");
            requireNonNull(kvMount, "secrets.vault.kvMount is null");
            requireNonNull(pathPrefix, "secrets.vault.pathPrefix is null");
            requireNonNull(auth, "secrets.vault.auth is null");
            requireNonNull(authMount, "secrets.vault.authMount is null");
            requireNonNull(tokenFile, "secrets.vault.tokenFile is null");
            requireNonNull(roleId, "secrets.vault.roleId is null");
            requireNonNull(secretIdFile, "secrets.vault.secretIdFile is null");
            requireNonNull(kubernetesRole, "secrets.vault.kubernetesRole is null");
            requireNonNull(serviceAccountTokenFile, "secrets.vault.serviceAccountTokenFile is null");
            if (!auth.equals("token-file") && !auth.equals("approle") && !auth.equals("kubernetes")) {
                throw new IllegalArgumentException("secrets.vault.auth must be token-file, approle or kubernetes: " + auth);
            }
            if (timeoutSeconds < 1 || timeoutSeconds > 300) {
                throw new IllegalArgumentException("secrets.vault.timeoutSeconds must be 1..300: " + timeoutSeconds);
            }
        }

        /**
         * The settings of the Vault secret store.
         *
         * @throws IllegalArgumentException naming the setting that is missing or wrong
         */
        public org.spe.secrets.vault.VaultSettings toSettings() {
            if (address.isBlank()) {
                throw new IllegalArgumentException("secrets.vault.address is required when secrets.backend is vault");
            }
            java.net.URI uri;
            try {
                uri = java.net.URI.create(address);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secrets.vault.address is not a URL: " + address);
            }
            org.spe.secrets.vault.VaultSettings.Authentication method;
            switch (auth) {
                case "token-file":
                    method = org.spe.secrets.vault.VaultSettings.Authentication.TOKEN_FILE;
                    break;
                case "approle":
                    method = org.spe.secrets.vault.VaultSettings.Authentication.APPROLE;
                    break;
                case "kubernetes":
                    method = org.spe.secrets.vault.VaultSettings.Authentication.KUBERNETES;
                    break;
                default:
                    throw new IllegalArgumentException("secrets.vault.auth must be token-file, approle or kubernetes: " + auth);
            }
            String mount = !authMount.isEmpty() ? authMount : auth.equals("kubernetes") ? "kubernetes" : auth.equals("approle") ? "approle" : "";
            return new org.spe.secrets.vault.VaultSettings(uri, namespace, kvMount, pathPrefix, method, java.nio.file.Path.of(tokenFile), mount,
                    roleId, java.nio.file.Path.of(secretIdFile), kubernetesRole, java.nio.file.Path.of(serviceAccountTokenFile),
                    Duration.ofSeconds(timeoutSeconds));
        }
    }

    /** The audit log: retention and how often a tree head is signed under load. */
    public record Audit(int retentionDays, int treeHeadIntervalSeconds) {
        public Audit {
            if (retentionDays < 365) {
                throw new IllegalArgumentException("audit.retentionDays must be at least 365 (logs are kept at least a year): " + retentionDays);
            }
            if (treeHeadIntervalSeconds < 1 || treeHeadIntervalSeconds > 60) {
                throw new IllegalArgumentException("audit.treeHeadIntervalSeconds must be 1..60: " + treeHeadIntervalSeconds);
            }
        }
    }

    /**
     * The embedded compute pool: Spark standalone workers on this machine; each workspace's own
     * driver JVM ({@code driverHeapMb}) runs its application there, and {@code spareDrivers} started
     * drivers wait to be bound to the next workspaces.
     */
    public record Compute(int workers, int coresPerWorker, int memoryMbPerWorker, String bindAddress, int spareDrivers, int driverHeapMb) {
        public Compute {
            requireNonNull(bindAddress, "compute.bindAddress is null");
            if (!bindAddress.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}")) {
                throw new IllegalArgumentException("compute.bindAddress must be an IPv4 address of this machine: " + bindAddress);
            }
            if (spareDrivers < 0 || spareDrivers > 16) {
                throw new IllegalArgumentException("compute.spareDrivers must be 0..16: " + spareDrivers);
            }
            if (driverHeapMb < 256) {
                throw new IllegalArgumentException("compute.driverHeapMb must be at least 256: " + driverHeapMb);
            }
            if (workers < 0 || workers > 64) {
                throw new IllegalArgumentException("compute.workers must be 0..64: " + workers);
            }
            if (coresPerWorker < 1 || memoryMbPerWorker < 512) {
                throw new IllegalArgumentException("compute.coresPerWorker must be at least 1 and compute.memoryMbPerWorker at least 512");
            }
        }
    }

    /**
     * The fee table of {@code /api/v1/usage}, modelled on the NDB fee structure (yen); see
     * {@link org.spe.workspace.usage.FeeTable}.
     */
    public record Fees(long baseYen, long adjustmentYenPerHour, int adjustmentHours, long extractionYenPerHour,
            int extractionHoursPerExtract, long extractionYenPerGb, long environmentYenPerUserPeriod, int environmentPeriodDays,
            long cpuHourYen, long gpuHourYen) {
        public Fees {
            // Checked here, at startup, with the setting's name in the message.
            try {
                table(baseYen, adjustmentYenPerHour, adjustmentHours, extractionYenPerHour, extractionHoursPerExtract, extractionYenPerGb,
                        environmentYenPerUserPeriod, environmentPeriodDays, cpuHourYen, gpuHourYen);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fees.*: " + e.getMessage(), e);
            }
        }

        /** The domain's fee table. */
        public org.spe.workspace.usage.FeeTable table() {
            return table(baseYen, adjustmentYenPerHour, adjustmentHours, extractionYenPerHour, extractionHoursPerExtract, extractionYenPerGb,
                    environmentYenPerUserPeriod, environmentPeriodDays, cpuHourYen, gpuHourYen);
        }

        private static org.spe.workspace.usage.FeeTable table(long baseYen, long adjustmentYenPerHour, int adjustmentHours,
                long extractionYenPerHour, int extractionHoursPerExtract, long extractionYenPerGb, long environmentYenPerUserPeriod,
                int environmentPeriodDays, long cpuHourYen, long gpuHourYen) {
            return new org.spe.workspace.usage.FeeTable(baseYen, adjustmentYenPerHour, adjustmentHours, extractionYenPerHour,
                    extractionHoursPerExtract, extractionYenPerGb, environmentYenPerUserPeriod, environmentPeriodDays, cpuHourYen, gpuHourYen);
        }
    }

    /** What the first start seeds: demo accounts, a synthetic lake of {@code patients}, demo permits. */
    public record Demo(boolean seed, long patients, long randomSeed) {
        public Demo {
            if (patients < 100 || patients > 100_000_000) {
                throw new IllegalArgumentException("demo.patients must be 100..100000000: " + patients);
            }
        }
    }

    /** Where workspaces run: {@code embedded} (bubblewrap and Spark on this machine) or {@code kubernetes}. */
    public record WorkspacesSettings(String backend, KubernetesWorkspaces kubernetes) {
        public WorkspacesSettings {
            requireNonNull(backend, "workspaces.backend is null");
            requireNonNull(kubernetes, "workspaces.kubernetes is null");
            if (!backend.equals("embedded") && !backend.equals("kubernetes")) {
                throw new IllegalArgumentException("workspaces.backend must be embedded or kubernetes: " + backend);
            }
            if (backend.equals("kubernetes")) {
                kubernetes.toSettings();
            }
        }

        public boolean onKubernetes() {
            return backend.equals("kubernetes");
        }
    }

    /** The Kubernetes workspaces backend (used when {@code workspaces.backend} is {@code kubernetes}); see docs/kubernetes.md. */
    public record KubernetesWorkspaces(String namespacePrefix, String platformNamespace, int platformPort, String apiServerUrl, String apiServerCidr,
            String image, String storageClass, String extractNfsServer, String extractNfsPath, int notebookCores, int notebookMemoryMb,
            int startTimeoutSeconds, String cpuPool, String gpuPool, String clientUrl, String clientTokenFile, String clientCaFile) {
        public KubernetesWorkspaces {
            requireNonNull(namespacePrefix, "workspaces.kubernetes.namespacePrefix is null");
            requireNonNull(platformNamespace, "workspaces.kubernetes.platformNamespace is null");
            requireNonNull(apiServerUrl, "workspaces.kubernetes.apiServerUrl is null");
            requireNonNull(apiServerCidr, "workspaces.kubernetes.apiServerCidr is null");
            requireNonNull(image, "workspaces.kubernetes.image is null");
            requireNonNull(storageClass, "workspaces.kubernetes.storageClass is null");
            requireNonNull(extractNfsServer, "workspaces.kubernetes.extractNfsServer is null");
            requireNonNull(extractNfsPath, "workspaces.kubernetes.extractNfsPath is null");
            requireNonNull(cpuPool, "workspaces.kubernetes.cpuPool is null");
            requireNonNull(gpuPool, "workspaces.kubernetes.gpuPool is null");
            requireNonNull(clientUrl, "workspaces.kubernetes.clientUrl is null");
            requireNonNull(clientTokenFile, "workspaces.kubernetes.clientTokenFile is null");
            requireNonNull(clientCaFile, "workspaces.kubernetes.clientCaFile is null");
            if (!clientUrl.isEmpty() && !clientUrl.matches("https?://[^/\\s]+/?")) {
                throw new IllegalArgumentException("workspaces.kubernetes.clientUrl must be empty or http(s)://<host>:<port>: " + clientUrl);
            }
            // The token travels with every request: plain HTTP only to this machine (a local proxy, a test API server).
            if (clientUrl.startsWith("http://") && !clientUrl.matches("http://(127\\.[0-9.]+|localhost|\\[::1\\])(:[0-9]+)?/?")) {
                throw new IllegalArgumentException("workspaces.kubernetes.clientUrl must use https:// (plain http only to localhost): " + clientUrl);
            }
            if (clientUrl.isEmpty() && (!clientTokenFile.isEmpty() || !clientCaFile.isEmpty())) {
                throw new IllegalArgumentException("workspaces.kubernetes.clientTokenFile and clientCaFile need workspaces.kubernetes.clientUrl");
            }
            for (String pool : java.util.List.of(cpuPool, gpuPool)) {
                if (!pool.isEmpty() && !pool.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?")) {
                    throw new IllegalArgumentException("workspaces.kubernetes.cpuPool and gpuPool must be <namespace>/<MachineDeployment name> or empty: " + pool);
                }
            }
        }

        /**
         * The backend's settings, checked.
         *
         * @throws IllegalArgumentException naming the setting that is wrong
         */
        public org.spe.workspace.kubernetes.KubernetesSettings toSettings() {
            try {
                return new org.spe.workspace.kubernetes.KubernetesSettings(namespacePrefix, platformNamespace, platformPort, apiServerUrl, apiServerCidr,
                        image, storageClass.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(storageClass), extractNfsServer, extractNfsPath,
                        notebookCores, notebookMemoryMb, Duration.ofSeconds(Math.max(1, startTimeoutSeconds)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("workspaces.kubernetes." + e.getMessage(), e);
            }
        }
    }

    /**
     * Remote desktops of workspaces (docs/remote-desktop.md): how they connect, their size, their
     * session limits and which permits may use the clipboard (comma-separated permit IDs).
     */
    public record Desktop(String connector, int width, int height, int startTimeoutSeconds, int idleTimeoutMinutes, int maxSessionHours,
            String clipboardToDesktopPermits, String clipboardFromDesktopPermits, Guacd guacd) {
        public Desktop {
            requireNonNull(connector, "desktop.connector is null");
            requireNonNull(clipboardToDesktopPermits, "desktop.clipboardToDesktopPermits is null");
            requireNonNull(clipboardFromDesktopPermits, "desktop.clipboardFromDesktopPermits is null");
            requireNonNull(guacd, "desktop.guacd is null");
            if (!connector.equals("embedded") && !connector.equals("guacd")) {
                throw new IllegalArgumentException("desktop.connector must be embedded or guacd: " + connector);
            }
            try {
                org.spe.workspace.desktop.DesktopSettings.checkSize(width, height);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("desktop.width and desktop.height: " + e.getMessage(), e);
            }
            if (startTimeoutSeconds < 1 || idleTimeoutMinutes < 1 || maxSessionHours < 1 || maxSessionHours > 24) {
                throw new IllegalArgumentException("desktop.startTimeoutSeconds and desktop.idleTimeoutMinutes must be at least 1, desktop.maxSessionHours 1..24");
            }
        }

        /** The permits whose researchers may paste into their desktops. */
        public java.util.Set<String> clipboardToDesktop() {
            return permitSet(clipboardToDesktopPermits);
        }

        /** The permits whose researchers may copy out of their desktops. */
        public java.util.Set<String> clipboardFromDesktop() {
            return permitSet(clipboardFromDesktopPermits);
        }

        /** The desktop module's settings, with generated configuration under {@code runtimeDirectory}. */
        public org.spe.workspace.desktop.DesktopSettings toSettings(Path runtimeDirectory) {
            return new org.spe.workspace.desktop.DesktopSettings(runtimeDirectory, width, height, Duration.ofSeconds(startTimeoutSeconds),
                    Duration.ofMinutes(idleTimeoutMinutes), Duration.ofHours(maxSessionHours));
        }

        private static java.util.Set<String> permitSet(String list) {
            return java.util.Arrays.stream(list.split(",")).map(String::strip).filter(id -> !id.isEmpty())
                    .collect(java.util.stream.Collectors.toUnmodifiableSet());
        }
    }

    /** The production proxy: guacd, and how it finds a workspace's VNC server ({@code {workspaceId}} is replaced). */
    public record Guacd(String host, int port, String vncHostTemplate, int vncPort) {
        public Guacd {
            requireNonNull(host, "desktop.guacd.host is null");
            requireNonNull(vncHostTemplate, "desktop.guacd.vncHostTemplate is null");
            if (port < 1 || port > 65535 || vncPort < 1 || vncPort > 65535) {
                throw new IllegalArgumentException("desktop.guacd.port and desktop.guacd.vncPort must be 1..65535");
            }
            if (!vncHostTemplate.contains("{workspaceId}")) {
                throw new IllegalArgumentException("desktop.guacd.vncHostTemplate must contain {workspaceId}: " + vncHostTemplate);
            }
        }
    }
}
