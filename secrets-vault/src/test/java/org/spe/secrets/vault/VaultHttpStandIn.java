package org.spe.secrets.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * An in-process stand-in of HashiCorp Vault's HTTP API (not Vault): the endpoints the platform's
 * {@link VaultSecretStore} and vault-java-driver use, answering with Vault's status codes and JSON
 * shapes (checked against the Vault 1.x API documentation):
 *
 * <ul>
 *   <li>{@code GET /v1/sys/health}: 200, or 503 with {@code "sealed": true};
 *   <li>{@code GET /v1/sys/seal-status} (no token needed);
 *   <li>{@code POST /v1/auth/<approle mount>/login} with {@code role_id}, {@code secret_id};
 *   <li>{@code POST /v1/auth/<kubernetes mount>/login} with {@code role}, {@code jwt};
 *   <li>{@code GET /v1/auth/token/lookup-self}, {@code POST /v1/auth/token/renew-self} with
 *       {@code increment}, capped at the token's max TTL;
 *   <li>KV version 2 on the mount {@code secret}: {@code GET|POST /v1/secret/data/<path>} (with
 *       {@code options.cas}), {@code GET /v1/secret/metadata/<path>};
 *   <li>while sealed, every endpoint except seal status and health answers 503
 *       {@code {"errors":["Vault is sealed"]}}; a missing, unknown or expired token gets 403
 *       {@code {"errors":["permission denied"]}}.
 * </ul>
 *
 * Tokens carry a policy in the simplest form Vault's would take here: the KV paths they may use
 * (a prefix below {@code secret/data/}). Tests drive the stand-in through {@link #seal()},
 * {@link #unseal()}, {@link #stop()}, {@link #issueToken} and the role registrations, and read its
 * request log. Thread-safe. Listens on a free loopback port.
 */
public final class VaultHttpStandIn implements VaultTestServer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KV_MOUNT = "secret";

    /** A token: its policy prefix, TTL rules and expiry. */
    private static final class Token {
        final String id = "hvs.standin-" + UUID.randomUUID();
        final String accessor = UUID.randomUUID().toString();
        final String policyPrefix;
        final Duration ttl;
        final Duration maxTtl;
        final boolean renewable;
        final Instant created;
        volatile Instant expiresAt;

        Token(String policyPrefix, Duration ttl, Duration maxTtl, boolean renewable, Instant created) {
            this.policyPrefix = policyPrefix;
            this.ttl = ttl;
            this.maxTtl = maxTtl;
            this.renewable = renewable;
            this.created = created;
            this.expiresAt = ttl.isZero() ? Instant.MAX : created.plus(ttl);
        }
    }

    /** What a successful login issues. */
    private record Grant(String policyPrefix, Duration ttl, Duration maxTtl, boolean renewable) {}

    private record KvVersion(Map<String, String> data, Instant created, int version) {}

    private final Clock clock;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "vault-stand-in");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Grant>> appRoles = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Grant>> kubernetesRoles = new ConcurrentHashMap<>();
    private final Map<String, List<KvVersion>> kv = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final String rootToken;
    private volatile boolean sealed;

    private VaultHttpStandIn(Clock clock) throws IOException {
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.server.createContext("/", this::handle);
        this.server.setExecutor(executor);
        Token root = new Token("", Duration.ZERO, Duration.ZERO, false, clock.instant());
        tokens.put(root.id, root);
        this.rootToken = root.id;
    }

    /** Starts a stand-in on a free loopback port, unsealed, with a root token and no roles. */
    public static VaultHttpStandIn start() {
        try {
            VaultHttpStandIn standIn = new VaultHttpStandIn(Clock.systemUTC());
            standIn.server.start();
            return standIn;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Vault stand-in", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    @Override
    public URI address() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A token without expiry that may use every path. */
    public String rootToken() {
        return rootToken;
    }

    /** Issues a token for KV paths below {@code secret/data/<policyPrefix>}. */
    @Override
    public String issueToken(String policyPrefix, Duration ttl, Duration maxTtl, boolean renewable) {
        Token token = new Token(policyPrefix, ttl, maxTtl, renewable, clock.instant());
        tokens.put(token.id, token);
        return token.id;
    }

    /** Registers an AppRole whose logins issue tokens with these rules. */
    public void addAppRole(String mount, String roleId, String secretId, String policyPrefix, Duration ttl, Duration maxTtl, boolean renewable) {
        appRoles.computeIfAbsent(mount, m -> new ConcurrentHashMap<>()).put(roleId + "\n" + secretId, new Grant(policyPrefix, ttl, maxTtl, renewable));
    }

    /** Registers a Kubernetes role that accepts exactly {@code jwt} (the stand-in does not call a TokenReview API). */
    public void addKubernetesRole(String mount, String role, String jwt, String policyPrefix, Duration ttl, Duration maxTtl, boolean renewable) {
        kubernetesRoles.computeIfAbsent(mount, m -> new ConcurrentHashMap<>()).put(role + "\n" + jwt, new Grant(policyPrefix, ttl, maxTtl, renewable));
    }

    /** Revokes a token at once, as {@code vault token revoke} would. */
    @Override
    public void revokeToken(String token) {
        tokens.remove(token);
    }

    @Override
    public AppRoleCredentials createAppRole(String pathPrefix, Duration ttl, Duration maxTtl, boolean renewable) {
        AppRoleCredentials credentials = new AppRoleCredentials(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        addAppRole("approle", credentials.roleId(), credentials.secretId(), pathPrefix, ttl, maxTtl, renewable);
        return credentials;
    }

    /** Seals: from now on everything but seal status and health answers 503. */
    @Override
    public void seal() {
        sealed = true;
    }

    /** Unseals. */
    @Override
    public void unseal() {
        sealed = false;
    }

    @Override
    public java.util.Optional<Map<String, String>> kvData(String path) {
        List<KvVersion> versions = kv.get(path);
        return versions == null || versions.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(versions.get(versions.size() - 1).data());
    }

    @Override
    public int kvVersions(String path) {
        List<KvVersion> versions = kv.get(path);
        return versions == null ? 0 : versions.size();
    }

    /** Every request so far as {@code METHOD /v1/path}, oldest first. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** How many requests so far went to {@code METHOD /v1/path}. */
    public long count(String methodAndPath) {
        return requests.stream().filter(methodAndPath::equals).count();
    }

    /** Stops listening: clients now get "connection refused". */
    public void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            requests.add(method + " " + path);
            byte[] bodyBytes = exchange.getRequestBody().readAllBytes();
            JsonNode body = bodyBytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bodyBytes);
            Answer answer = route(method, path, body, exchange.getRequestHeaders().getFirst("X-Vault-Token"));
            byte[] out = answer.body == null ? new byte[0] : JSON.writeValueAsBytes(answer.body);
            if (answer.body != null) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
            }
            exchange.sendResponseHeaders(answer.status, out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream stream = exchange.getResponseBody()) {
                    stream.write(out);
                }
            }
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(500, -1);
        }
    }

    private record Answer(int status, JsonNode body) {}

    private Answer route(String method, String path, JsonNode body, String tokenHeader) {
        if (path.equals("/v1/sys/seal-status") && method.equals("GET")) {
            return new Answer(200, sealStatus());
        }
        if (path.equals("/v1/sys/health") && method.equals("GET")) {
            ObjectNode health = JSON.createObjectNode().put("initialized", true).put("sealed", sealed).put("standby", false)
                    .put("performance_standby", false).put("server_time_utc", clock.instant().getEpochSecond()).put("version", "1.17.0-standin")
                    .put("cluster_name", "vault-stand-in");
            return new Answer(sealed ? 503 : 200, health);
        }
        if (sealed) {
            return errors(503, "Vault is sealed");
        }
        String[] parts = path.split("/");
        // /v1/auth/<mount>/login
        if (method.equals("POST") && parts.length == 5 && parts[2].equals("auth") && parts[4].equals("login")) {
            return login(parts[3], body);
        }
        Token token = tokenHeader == null ? null : tokens.get(tokenHeader);
        if (token != null && !clock.instant().isBefore(token.expiresAt)) {
            tokens.remove(token.id);
            token = null;
        }
        if (token == null) {
            return errors(403, "permission denied");
        }
        if (path.equals("/v1/auth/token/lookup-self") && method.equals("GET")) {
            return new Answer(200, envelope().set("data", lookup(token)));
        }
        if (path.equals("/v1/auth/token/renew-self") && (method.equals("POST") || method.equals("PUT"))) {
            return renew(token, body);
        }
        String kvData = "/v1/" + KV_MOUNT + "/data/";
        String kvMetadata = "/v1/" + KV_MOUNT + "/metadata/";
        if (path.startsWith(kvData)) {
            String secretPath = path.substring(kvData.length());
            if (!secretPath.startsWith(token.policyPrefix)) {
                return errors(403, "1 error occurred:\n\t* permission denied\n\n");
            }
            if (method.equals("GET")) {
                return readKv(secretPath);
            }
            if (method.equals("POST") || method.equals("PUT")) {
                return writeKv(secretPath, body);
            }
        }
        if (path.startsWith(kvMetadata) && method.equals("GET")) {
            String secretPath = path.substring(kvMetadata.length());
            if (!secretPath.startsWith(token.policyPrefix)) {
                return errors(403, "permission denied");
            }
            return readMetadata(secretPath);
        }
        return errors(404, "no handler for route \"" + path.substring(Math.min(4, path.length())) + "\"");
    }

    private ObjectNode sealStatus() {
        return JSON.createObjectNode().put("type", "shamir").put("initialized", true).put("sealed", sealed).put("t", 1).put("n", 1)
                .put("progress", 0).put("nonce", "").put("version", "1.17.0-standin").put("migration", false).put("recovery_seal", false)
                .put("storage_type", "inmem");
    }

    private Answer login(String mount, JsonNode body) {
        Grant grant;
        if (appRoles.containsKey(mount)) {
            if (!body.hasNonNull("role_id") || !body.hasNonNull("secret_id")) {
                return errors(400, "missing role_id or secret_id");
            }
            grant = appRoles.get(mount).get(body.get("role_id").asText() + "\n" + body.get("secret_id").asText());
            if (grant == null) {
                return errors(400, "invalid role or secret ID");
            }
        } else if (kubernetesRoles.containsKey(mount)) {
            if (!body.hasNonNull("role") || !body.hasNonNull("jwt")) {
                return errors(400, "missing role or jwt");
            }
            grant = kubernetesRoles.get(mount).get(body.get("role").asText() + "\n" + body.get("jwt").asText());
            if (grant == null) {
                return errors(403, "permission denied");
            }
        } else {
            return errors(404, "no handler for route \"auth/" + mount + "/login\"");
        }
        Token token = new Token(grant.policyPrefix(), grant.ttl(), grant.maxTtl(), grant.renewable(), clock.instant());
        tokens.put(token.id, token);
        return new Answer(200, envelope().set("auth", auth(token, grant.ttl())));
    }

    private Answer renew(Token token, JsonNode body) {
        if (!token.renewable) {
            return errors(400, "lease is not renewable");
        }
        Instant now = clock.instant();
        Duration increment = body.hasNonNull("increment") ? Duration.ofSeconds(body.get("increment").asLong()) : token.ttl;
        Instant cap = token.maxTtl.isZero() ? Instant.MAX : token.created.plus(token.maxTtl);
        Instant wanted = now.plus(increment.isZero() ? token.ttl : increment);
        token.expiresAt = wanted.isAfter(cap) ? cap : wanted;
        return new Answer(200, envelope().set("auth", auth(token, Duration.between(now, token.expiresAt))));
    }

    private ObjectNode auth(Token token, Duration lease) {
        ObjectNode auth = JSON.createObjectNode().put("client_token", token.id).put("accessor", token.accessor)
                .put("lease_duration", lease.isZero() ? 0 : Math.max(1, (lease.toMillis() + 999) / 1000)).put("renewable", token.renewable).put("entity_id", "")
                .put("token_type", "service").put("orphan", true);
        auth.putArray("policies").add("default").add("spe-server");
        auth.putArray("token_policies").add("default").add("spe-server");
        auth.putObject("metadata");
        return auth;
    }

    /** Seconds left, rounded up: like Vault, a token that has not expired never reports a TTL of 0 (which means "never expires"). */
    private static long secondsLeft(Instant now, Instant expiresAt) {
        return Math.max(1, (Duration.between(now, expiresAt).toMillis() + 999) / 1000);
    }

    private ObjectNode lookup(Token token) {
        Instant now = clock.instant();
        ObjectNode data = JSON.createObjectNode().put("accessor", token.accessor).put("creation_time", token.created.getEpochSecond())
                .put("creation_ttl", token.ttl.toSeconds()).put("display_name", "token").put("explicit_max_ttl", token.maxTtl.toSeconds())
                .put("id", token.id).put("num_uses", 0).put("orphan", true).put("path", "auth/token/create").put("renewable", token.renewable)
                .put("ttl", token.expiresAt.equals(Instant.MAX) ? 0 : secondsLeft(now, token.expiresAt))
                .put("type", "service");
        data.putArray("policies").add(token.policyPrefix.isEmpty() ? "root" : "spe-server");
        return data;
    }

    private Answer readKv(String path) {
        List<KvVersion> versions = kv.get(path);
        if (versions == null || versions.isEmpty()) {
            return new Answer(404, JSON.createObjectNode().set("errors", JSON.createArrayNode()));
        }
        KvVersion latest = versions.get(versions.size() - 1);
        ObjectNode data = JSON.createObjectNode();
        ObjectNode fields = data.putObject("data");
        latest.data().forEach(fields::put);
        data.set("metadata", versionMetadata(latest));
        return new Answer(200, envelope().set("data", data));
    }

    private Answer writeKv(String path, JsonNode body) {
        JsonNode data = body.get("data");
        if (data == null || !data.isObject()) {
            return errors(400, "no data provided");
        }
        synchronized (kv) {
            List<KvVersion> versions = kv.computeIfAbsent(path, p -> new ArrayList<>());
            JsonNode cas = body.path("options").get("cas");
            if (cas != null && cas.asInt() != versions.size()) {
                return errors(400, "check-and-set parameter did not match the current version");
            }
            Map<String, String> fields = new HashMap<>();
            data.fields().forEachRemaining(field -> fields.put(field.getKey(), field.getValue().isTextual() ? field.getValue().asText()
                    : field.getValue().toString()));
            KvVersion version = new KvVersion(Map.copyOf(fields), clock.instant(), versions.size() + 1);
            versions.add(version);
            return new Answer(200, envelope().set("data", versionMetadata(version)));
        }
    }

    private Answer readMetadata(String path) {
        List<KvVersion> versions = kv.get(path);
        if (versions == null || versions.isEmpty()) {
            return new Answer(404, JSON.createObjectNode().set("errors", JSON.createArrayNode()));
        }
        ObjectNode data = JSON.createObjectNode().put("current_version", versions.size()).put("oldest_version", 1)
                .put("max_versions", 0).put("cas_required", false).put("created_time", versions.get(0).created().toString())
                .put("updated_time", versions.get(versions.size() - 1).created().toString());
        ObjectNode all = data.putObject("versions");
        for (KvVersion version : versions) {
            all.set(Integer.toString(version.version()), versionMetadata(version));
        }
        return new Answer(200, envelope().set("data", data));
    }

    private static ObjectNode versionMetadata(KvVersion version) {
        ObjectNode metadata = JSON.createObjectNode().put("created_time", version.created().toString()).put("deletion_time", "")
                .put("destroyed", false).put("version", version.version());
        metadata.putNull("custom_metadata");
        return metadata;
    }

    /** The fields every Vault answer carries around {@code data} or {@code auth}. */
    private static ObjectNode envelope() {
        ObjectNode envelope = JSON.createObjectNode().put("request_id", UUID.randomUUID().toString()).put("lease_id", "").put("renewable", false)
                .put("lease_duration", 0);
        envelope.putNull("data");
        envelope.putNull("wrap_info");
        envelope.putNull("warnings");
        envelope.putNull("auth");
        return envelope;
    }

    private static Answer errors(int status, String message) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode errors = body.putArray("errors");
        errors.add(message);
        return new Answer(status, body);
    }
}
