package org.spe.secrets.vault;

import static java.util.Objects.requireNonNull;

import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.WriteOptions;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import io.github.jopenlibs.vault.response.SealResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;
import org.spe.core.secrets.Ed25519KeyPair;
import org.spe.core.secrets.SecretStore;

/**
 * The production {@link SecretStore}: secrets live in HashiCorp Vault's KV version 2 engine, one
 * Vault secret per name at {@code <kvMount>/data/<pathPrefix>/<name>} with the fields {@code type}
 * ({@code secret} or {@code ed25519}) and {@code value} (base64: the random bytes, or the Ed25519
 * private seed). Permit pseudonymisation keys ({@code permit-keys/<permit>/<group>}), the TOTP
 * encryption key and the signing keys (audit tree heads, release packages, deletion certificates)
 * are all kept this way; no secret is written anywhere else.
 *
 * <p>Get-or-create: a missing secret is generated here and written with check-and-set version 0,
 * so when two platform replicas create the same secret at once, one write wins and both return the
 * winner's value.
 *
 * <p>Tokens: obtained by AppRole login, Kubernetes login (the pod's service-account JWT) or read
 * from a token file (Vault Agent's sink). A background thread renews the token when two thirds of
 * its TTL have passed; when it cannot be renewed (not renewable, at its max TTL, revoked) the
 * store logs in again or re-reads the token file. Every operation also checks the token first and
 * re-authenticates once on "permission denied".
 *
 * <p>Errors: a sealed Vault and an unreachable Vault throw {@link RetriableException} with a
 * message that says which; the store never falls back to a weaker store, so callers (extract
 * builds, the audit log) refuse to work until Vault is back. A policy that denies a path throws
 * {@link SpeException} with category {@code INTERNAL} naming the path. Secret values and tokens
 * are never logged.
 *
 * <p>Thread-safe. Operations block on HTTP requests to Vault, each bounded by the configured
 * timeout.
 */
public final class VaultSecretStore implements SecretStore, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(VaultSecretStore.class);
    private static final String TYPE_SECRET = "secret";
    private static final String TYPE_ED25519 = "ed25519";
    /** The token is renewed when this share of its TTL has passed. */
    private static final double RENEW_AT_FRACTION = 2.0 / 3.0;
    /** When renewal or login fails, the next attempt comes this soon (or at expiry, if sooner). */
    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

    /** A token and what the store knows about its lifetime. {@code expiresAt} empty: it does not expire. */
    private record Session(Vault vault, Optional<Instant> expiresAt, Instant renewAt, boolean renewable, Duration ttl) {}

    private final VaultSettings settings;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService renewer;
    private final Object tokenLock = new Object();
    private volatile Session session;
    private ScheduledFuture<?> nextRenewal;
    private volatile boolean closed;

    private VaultSecretStore(VaultSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "spe-vault-token-renewer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Connects to Vault: checks that it is reachable and unsealed, authenticates, and starts
     * renewing the token. Blocks for a few requests.
     *
     * @throws RetriableException if Vault is sealed or unreachable
     * @throws SpeException with category {@code UNAUTHENTICATED} if Vault rejects the credentials,
     *     {@code INVALID_INPUT} if a credential file cannot be read
     */
    public static VaultSecretStore connect(VaultSettings settings) {
        return connect(settings, Clock.systemUTC());
    }

    /** As {@link #connect(VaultSettings)}, with the clock that schedules token renewal. */
    public static VaultSecretStore connect(VaultSettings settings, Clock clock) {
        requireNonNull(settings, "settings is null");
        requireNonNull(clock, "clock is null");
        VaultSecretStore store = new VaultSecretStore(settings, clock);
        try {
            store.requireUnsealed();
            synchronized (store.tokenLock) {
                store.replaceSession(store.authenticate());
            }
            log.info("Secrets are kept in Vault at {} under {}/{}", settings.baseAddress(), settings.kvMount(), settings.pathPrefix());
            return store;
        } catch (RuntimeException e) {
            store.renewer.shutdownNow();
            throw e;
        }
    }

    @Override
    public byte[] secret(String name, int lengthBytes) {
        SecretStore.checkName(name);
        if (lengthBytes < 1 || lengthBytes > 1024) {
            throw new IllegalArgumentException("secret length must be 1..1024 bytes: " + lengthBytes);
        }
        Map<String, String> stored = readOrCreate(name, TYPE_SECRET, () -> {
            byte[] bytes = new byte[lengthBytes];
            random.nextBytes(bytes);
            return bytes;
        });
        byte[] value = decode(name, stored, TYPE_SECRET);
        if (value.length != lengthBytes) {
            throw new IllegalArgumentException("secret " + name + " has " + value.length + " bytes, not " + lengthBytes);
        }
        return value;
    }

    @Override
    public Ed25519KeyPair signingKeyPair(String name) {
        SecretStore.checkName(name);
        Map<String, String> stored = readOrCreate(name, TYPE_ED25519, () -> Ed25519KeyPair.generate(random).privateKey());
        return Ed25519KeyPair.fromPrivateKey(decode(name, stored, TYPE_ED25519));
    }

    /**
     * Checks that Vault is reachable, unsealed and accepts the token.
     *
     * @throws RetriableException if it is sealed or unreachable
     */
    public void checkHealth() {
        requireUnsealed();
        call("look up the platform's token", vault -> vault.auth().lookupSelf().getRestResponse().getStatus());
    }

    /** When the current token expires; empty for a token without expiry. */
    public Optional<Instant> tokenExpiry() {
        return session.expiresAt();
    }

    /** Stops renewing the token. The token is left to expire (another replica may share a token file). */
    @Override
    public void close() {
        closed = true;
        renewer.shutdownNow();
    }

    private Map<String, String> readOrCreate(String name, String type, Supplier<byte[]> generator) {
        if (VaultSettings.hasDotSegment(name)) {
            throw new IllegalArgumentException("secret name must not have . or .. segments: " + name);
        }
        String path = settings.kvMount() + "/" + settings.pathPrefix() + "/" + name;
        LogicalResponse read = call("read secret " + name, vault -> vault.logical().read(path));
        int status = read.getRestResponse().getStatus();
        if (status == 200) {
            return read.getData();
        }
        if (status != 404) {
            throw unexpected("read secret " + name, status);
        }
        byte[] bytes = generator.get();
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("type", type);
        value.put("value", Base64.getEncoder().encodeToString(bytes));
        java.util.Arrays.fill(bytes, (byte) 0);
        LogicalResponse written = call("create secret " + name,
                vault -> vault.logical().write(path, value, null, new WriteOptions().checkAndSet(0L).build()));
        int writeStatus = written.getRestResponse().getStatus();
        if (writeStatus == 200 || writeStatus == 204) {
            log.info("Created {} {} in Vault", type, name);
            Map<String, String> created = new LinkedHashMap<>();
            value.forEach((key, field) -> created.put(key, (String) field));
            return created;
        }
        if (writeStatus == 400 && body(written).contains("check-and-set")) {
            // Another replica created it between our read and write: use theirs.
            LogicalResponse again = call("read secret " + name, vault -> vault.logical().read(path));
            if (again.getRestResponse().getStatus() == 200) {
                return again.getData();
            }
            throw unexpected("read secret " + name, again.getRestResponse().getStatus());
        }
        throw unexpected("create secret " + name, writeStatus);
    }

    private static byte[] decode(String name, Map<String, String> stored, String expectedType) {
        String type = stored.get("type");
        String value = stored.get("value");
        if (type == null || value == null) {
            throw new SpeException(ErrorCategory.INTERNAL, "Vault secret " + name + " lacks the fields type and value; it was not written by SPE");
        }
        if (!type.equals(expectedType)) {
            throw new IllegalArgumentException("secret " + name + " is a " + type + ", not a " + expectedType);
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Vault secret " + name + " holds a value that is not base64", e);
        }
    }

    /** An operation on Vault with the current token. */
    private interface VaultCall<T> {
        T run(Vault vault) throws VaultException;
    }

    /**
     * Runs {@code operation} with a valid token; on "permission denied" authenticates again once
     * (the token may have been revoked or expired early) and repeats it.
     */
    private <T> T call(String what, VaultCall<T> operation) {
        if (closed) {
            throw new IllegalStateException("the Vault secret store is closed");
        }
        Session current = currentSession();
        T result = attempt(what, operation, current);
        if (status(result) == 403) {
            synchronized (tokenLock) {
                if (session == current) {
                    replaceSession(authenticate());
                }
            }
            result = attempt(what, operation, session);
            if (status(result) == 403) {
                throw new SpeException(ErrorCategory.INTERNAL, "Vault denied the platform's token to " + what + ": its policy must allow create, read"
                        + " and update on " + settings.kvMount() + "/data/" + settings.pathPrefix() + "/* (see docs/vault/spe-server.hcl)");
            }
        }
        return result;
    }

    private <T> T attempt(String what, VaultCall<T> operation, Session current) {
        try {
            return operation.run(current.vault());
        } catch (VaultException e) {
            if (e.getHttpStatusCode() == 403) {
                return null;
            }
            throw translate(what, e);
        }
    }

    /** 403 for a null result (an exception said permission denied) or a response that says so. */
    private static int status(Object result) {
        if (result == null) {
            return 403;
        }
        if (result instanceof LogicalResponse) {
            return ((LogicalResponse) result).getRestResponse().getStatus();
        }
        return 200;
    }

    /** The session, renewed or replaced first if its token is about to expire. */
    private Session currentSession() {
        Session current = session;
        Instant now = clock.instant();
        if (current.expiresAt().isPresent() && !now.isBefore(current.expiresAt().get().minusSeconds(1))) {
            synchronized (tokenLock) {
                if (session == current) {
                    refresh();
                }
                return session;
            }
        }
        return current;
    }

    /** Renews the token, or authenticates again when it cannot be renewed. Holds {@code tokenLock}. */
    private void refresh() {
        Session current = session;
        if (current.renewable()) {
            try {
                AuthResponse renewed = current.vault().auth().renewSelf(Math.max(1, current.ttl().toSeconds()));
                Duration lease = Duration.ofSeconds(renewed.getAuthLeaseDuration());
                Instant now = clock.instant();
                Instant newExpiry = now.plus(lease);
                // At its max TTL Vault answers with a shorter lease than asked: log in again while the old token still works.
                if (lease.compareTo(current.ttl().dividedBy(2)) >= 0) {
                    replaceSession(new Session(current.vault(), Optional.of(newExpiry), renewAt(now, lease), true, current.ttl()));
                    log.debug("Renewed the Vault token for {} s", lease.toSeconds());
                    return;
                }
                log.info("The Vault token is near its max TTL ({} s left); authenticating again", lease.toSeconds());
            } catch (VaultException e) {
                log.info("Renewing the Vault token failed (HTTP {}); authenticating again", e.getHttpStatusCode());
            }
        }
        replaceSession(authenticate());
    }

    /** Installs {@code next} and schedules its renewal. Holds {@code tokenLock}. */
    private void replaceSession(Session next) {
        session = next;
        if (nextRenewal != null) {
            nextRenewal.cancel(false);
            nextRenewal = null;
        }
        if (next.expiresAt().isPresent() && !closed) {
            long delay = Math.max(0, Duration.between(clock.instant(), next.renewAt()).toMillis());
            nextRenewal = renewer.schedule(this::renewInBackground, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void renewInBackground() {
        synchronized (tokenLock) {
            if (closed) {
                return;
            }
            try {
                refresh();
            } catch (RuntimeException e) {
                Session current = session;
                Duration left = current.expiresAt().map(expiry -> Duration.between(clock.instant(), expiry)).orElse(RETRY_AFTER_FAILURE);
                Duration retry = left.isNegative() || left.compareTo(RETRY_AFTER_FAILURE) > 0 ? RETRY_AFTER_FAILURE : left;
                log.warn("Cannot renew or replace the Vault token ({}); trying again in {} ms", e.getMessage(), retry.toMillis());
                nextRenewal = renewer.schedule(this::renewInBackground, Math.max(100, retry.toMillis()), TimeUnit.MILLISECONDS);
            }
        }
    }

    private Instant renewAt(Instant now, Duration ttl) {
        return now.plusMillis((long) (ttl.toMillis() * RENEW_AT_FRACTION));
    }

    /** Obtains a fresh token by the configured method and learns its lifetime. */
    private Session authenticate() {
        Vault anonymous = client("");
        Instant now = clock.instant();
        try {
            switch (settings.authentication()) {
                case TOKEN_FILE: {
                    Vault vault = client(readCredential(settings.tokenFile(), "token file"));
                    LookupResponse lookup = vault.auth().lookupSelf();
                    Duration ttl = Duration.ofSeconds(lookup.getTTL());
                    return session(vault, now, ttl, lookup.isRenewable());
                }
                case APPROLE: {
                    AuthResponse login = anonymous.auth().loginByAppRole(settings.authMount(), settings.roleId(),
                            readCredential(settings.secretIdFile(), "AppRole secret ID file"));
                    return session(client(login.getAuthClientToken()), now, Duration.ofSeconds(login.getAuthLeaseDuration()), login.isAuthRenewable());
                }
                case KUBERNETES: {
                    AuthResponse login = anonymous.auth().loginByKubernetes(settings.kubernetesRole(),
                            readCredential(settings.serviceAccountTokenFile(), "service-account token file"), "auth/" + settings.authMount());
                    return session(client(login.getAuthClientToken()), now, Duration.ofSeconds(login.getAuthLeaseDuration()), login.isAuthRenewable());
                }
            }
            throw new IllegalStateException("unknown authentication " + settings.authentication());
        } catch (VaultException e) {
            int status = e.getHttpStatusCode();
            if (status == 400 || status == 401 || status == 403) {
                throw new SpeException(ErrorCategory.UNAUTHENTICATED, "Vault at " + settings.baseAddress() + " rejected the platform's "
                        + describe(settings.authentication()) + " (HTTP " + status + "); check secrets.vault.* and the Vault role", e);
            }
            throw translate("authenticate by " + describe(settings.authentication()), e);
        }
    }

    private Session session(Vault vault, Instant now, Duration ttl, boolean renewable) {
        if (ttl.isZero()) {
            return new Session(vault, Optional.empty(), Instant.MAX, false, ttl);
        }
        return new Session(vault, Optional.of(now.plus(ttl)), renewAt(now, ttl), renewable, ttl);
    }

    private static String describe(VaultSettings.Authentication authentication) {
        switch (authentication) {
            case TOKEN_FILE:
                return "token";
            case APPROLE:
                return "AppRole login";
            case KUBERNETES:
                return "Kubernetes login";
        }
        throw new IllegalStateException("unknown authentication " + authentication);
    }

    private static String readCredential(Path file, String what) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (text.isEmpty()) {
                throw new SpeException(ErrorCategory.INVALID_INPUT, "The Vault " + what + " " + file + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new SpeException(ErrorCategory.INVALID_INPUT, "Cannot read the Vault " + what + " " + file + ": " + e.getMessage(), e);
        }
    }

    /** A driver client that sends {@code token} (none when empty); the driver itself does not retry. */
    private Vault client(String token) {
        int seconds = (int) settings.timeout().toSeconds();
        try {
            VaultConfig config = new VaultConfig().address(settings.baseAddress()).token(token).openTimeout(seconds).readTimeout(seconds)
                    .engineVersion(2).prefixPathDepth(settings.kvMount().split("/").length);
            if (!settings.namespace().isEmpty()) {
                config.nameSpace(settings.namespace());
            }
            return Vault.create(config.build(), 2);
        } catch (VaultException e) {
            throw new SpeException(ErrorCategory.INTERNAL, "Invalid Vault client settings: " + e.getMessage(), e);
        }
    }

    /** Fails with a clear message unless Vault answers and is unsealed. */
    private void requireUnsealed() {
        try {
            SealResponse seal = client("").seal().sealStatus();
            if (Boolean.TRUE.equals(seal.getSealed())) {
                throw sealed();
            }
        } catch (VaultException e) {
            throw translate("read the seal status", e);
        }
    }

    private RetriableException sealed() {
        return new RetriableException("Vault at " + settings.baseAddress() + " is sealed: the platform's keys cannot be read until an operator"
                + " unseals it; the platform does not fall back to another secret store");
    }

    /**
     * A driver failure as the platform's exception: sealed (HTTP 503, or a seal status that says
     * so) and unreachable are retriable; anything else is internal.
     */
    private SpeException translate(String what, VaultException e) {
        int status = e.getHttpStatusCode();
        if (status == 0) {
            return new RetriableException("Vault at " + settings.baseAddress() + " is unreachable (" + rootMessage(e) + "); cannot " + what
                    + ". The platform does not fall back to another secret store", e);
        }
        if (status == 503 || status >= 500) {
            Boolean isSealed = null;
            try {
                isSealed = client("").seal().sealStatus().getSealed();
            } catch (VaultException ignored) {
                // the answer to the first request decides below
            }
            if (status == 503 || Boolean.TRUE.equals(isSealed)) {
                RetriableException sealed = sealed();
                sealed.initCause(e);
                return sealed;
            }
            return new RetriableException("Vault at " + settings.baseAddress() + " failed to " + what + " (HTTP " + status + ")", e);
        }
        return new SpeException(ErrorCategory.INTERNAL, "Vault at " + settings.baseAddress() + " refused to " + what + " (HTTP " + status + ")", e);
    }

    private SpeException unexpected(String what, int status) {
        if (status == 503) {
            return sealed();
        }
        return new SpeException(ErrorCategory.INTERNAL, "Vault at " + settings.baseAddress() + " answered HTTP " + status + " when asked to " + what);
    }

    private static String body(LogicalResponse response) {
        byte[] body = response.getRestResponse().getBody();
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
