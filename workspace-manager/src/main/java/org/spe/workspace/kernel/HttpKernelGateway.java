package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.spe.core.ErrorCategory;
import org.spe.core.RetriableException;
import org.spe.core.SpeException;

/**
 * A {@link KernelGateway} over the Jupyter Kernel Gateway HTTP API, with the JDK's
 * {@link HttpClient} (HTTP/1.1) and its WebSocket for sessions. The token is sent as
 * {@code Authorization: token ...} and appears in no message, log or {@code toString}.
 * Thread-safe.
 */
public final class HttpKernelGateway implements KernelGateway {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RESTART_ATTEMPTS = 6;

    private final URI baseUri;
    private final String token;
    private final KernelClientConfig config;
    private final HttpClient http;
    /** WebSockets get their own client, so a handshake never rides on a pooled HTTP connection. */
    private final HttpClient webSockets;
    private final KernelMessageCodec codec = new KernelMessageCodec();

    /**
     * @param baseUri the gateway's root, e.g. {@code http://127.0.0.1:41234/}
     * @param token the gateway's access token
     * @param config client settings
     */
    public HttpKernelGateway(URI baseUri, String token, KernelClientConfig config) {
        requireNonNull(baseUri, "baseUri is null");
        this.baseUri = baseUri.toString().endsWith("/") ? baseUri : URI.create(baseUri + "/");
        if (!"http".equals(this.baseUri.getScheme())) {
            throw new IllegalArgumentException("gateway URI must be http: " + baseUri);
        }
        this.token = requireNonNull(token, "token is null");
        if (token.isBlank()) {
            throw new IllegalArgumentException("token is blank");
        }
        this.config = requireNonNull(config, "config is null");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .build();
        this.webSockets = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.requestTimeout())
                .build();
    }

    @Override
    public List<KernelSpec> kernelSpecs() {
        JsonNode root = call("GET", "api/kernelspecs", Optional.empty(), "list kernel specs");
        List<KernelSpec> specs = new ArrayList<>();
        root.path("kernelspecs").fields().forEachRemaining(entry -> {
            JsonNode spec = entry.getValue().path("spec");
            specs.add(new KernelSpec(entry.getKey(), spec.path("display_name").asText(entry.getKey()),
                    spec.path("language").asText("")));
        });
        return List.copyOf(specs);
    }

    @Override
    public KernelInfo startKernel(String specName) {
        requireNonNull(specName, "specName is null");
        String body = JSON.createObjectNode().put("name", specName).toString();
        return kernelInfo(call("POST", "api/kernels", Optional.of(body), "start a " + specName + " kernel"));
    }

    @Override
    public List<KernelInfo> kernels() {
        List<KernelInfo> kernels = new ArrayList<>();
        call("GET", "api/kernels", Optional.empty(), "list kernels").forEach(node -> kernels.add(kernelInfo(node)));
        return List.copyOf(kernels);
    }

    @Override
    public KernelInfo kernel(String kernelId) {
        return kernelInfo(call("GET", "api/kernels/" + KernelInfo.checkId(kernelId), Optional.empty(),
                "read kernel " + kernelId));
    }

    @Override
    public void interrupt(String kernelId) {
        call("POST", "api/kernels/" + KernelInfo.checkId(kernelId) + "/interrupt", Optional.of("{}"),
                "interrupt kernel " + kernelId);
    }

    @Override
    public KernelInfo restart(String kernelId) {
        KernelInfo.checkId(kernelId);
        // Right after a kernel died, jupyter-server's own automatic restart may still be under way and
        // a restart request fails with 500 until it is done; a few spaced attempts ride that out.
        for (int attempt = 1; ; attempt++) {
            try {
                return kernelInfo(call("POST", "api/kernels/" + kernelId + "/restart", Optional.of("{}"),
                        "restart kernel " + kernelId));
            } catch (RetriableException e) {
                if (attempt >= RESTART_ATTEMPTS) {
                    throw e;
                }
                sleep(Duration.ofMillis(500L * attempt));
            }
        }
    }

    @Override
    public void shutdown(String kernelId) {
        call("DELETE", "api/kernels/" + KernelInfo.checkId(kernelId), Optional.empty(), "shut down kernel " + kernelId);
    }

    @Override
    public KernelSession connect(String kernelId) {
        KernelInfo.checkId(kernelId);
        URI channels = URI.create("ws://" + baseUri.getRawAuthority() + baseUri.getRawPath() + "api/kernels/"
                + kernelId + "/channels");
        WebSocketKernelSession session = new WebSocketKernelSession(this, kernelId, channels, codec, config,
                (uri, listener) -> webSockets.newWebSocketBuilder()
                        .header("Authorization", "token " + token)
                        .connectTimeout(config.requestTimeout())
                        .buildAsync(uri, listener));
        session.reconnect();
        return session;
    }

    @Override
    public void close() {
        // The JDK 17 HttpClient holds no resources that need closing; sessions are closed by their owners.
    }

    @Override
    public String toString() {
        return "HttpKernelGateway[" + baseUri + "]";
    }

    private JsonNode call(String method, String path, Optional<String> body, String action) {
        HttpRequest request = HttpRequest.newBuilder(baseUri.resolve(path))
                .timeout(config.requestTimeout())
                .header("Authorization", "token " + token)
                .header("Content-Type", "application/json")
                .method(method, body.map(HttpRequest.BodyPublishers::ofString)
                        .orElseGet(HttpRequest.BodyPublishers::noBody))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RetriableException("kernel gateway " + baseUri + " unreachable: cannot " + action, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeException(ErrorCategory.INTERNAL, "interrupted while trying to " + action, e);
        }
        int status = response.statusCode();
        if (status == 404) {
            throw SpeException.notFound("kernel gateway %s cannot %s: not found", baseUri, action);
        }
        if (status >= 500) {
            throw new RetriableException("kernel gateway " + baseUri + " failed to " + action + ": HTTP " + status
                    + " " + brief(response.body()));
        }
        if (status < 200 || status >= 300) {
            throw new SpeException(ErrorCategory.INTERNAL, "kernel gateway " + baseUri + " refused to " + action
                    + ": HTTP " + status + " " + brief(response.body()));
        }
        if (response.body().isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new SpeException(ErrorCategory.INTERNAL,
                    "kernel gateway " + baseUri + " answered " + action + " with malformed JSON", e);
        }
    }

    private static KernelInfo kernelInfo(JsonNode node) {
        Optional<Instant> lastActivity = Optional.empty();
        String last = node.path("last_activity").asText("");
        if (!last.isEmpty()) {
            try {
                lastActivity = Optional.of(Instant.parse(last));
            } catch (DateTimeParseException e) {
                // Kernels' timestamps vary in form; the field is informational.
            }
        }
        return new KernelInfo(node.path("id").asText(""), node.path("name").asText(""),
                node.path("execution_state").asText("unknown"), node.path("connections").asInt(0), lastActivity);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpeException(ErrorCategory.INTERNAL, "interrupted while waiting to retry", e);
        }
    }

    private static String brief(String body) {
        String flat = body.replaceAll("\\s+", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }
}
