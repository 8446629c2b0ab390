package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns Jupyter messages (protocol v5.3, in the JSON form the Kernel Gateway WebSocket carries)
 * into {@link KernelMessage}s and typed {@link KernelOutput}s, and back. Knows nothing of HTTP or
 * WebSockets. Thread-safe; never blocks.
 */
public final class KernelMessageCodec {
    /** The messaging protocol version this client speaks. */
    public static final String PROTOCOL_VERSION = "5.3";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Clock clock;

    public KernelMessageCodec(Clock clock) {
        this.clock = requireNonNull(clock, "clock is null");
    }

    public KernelMessageCodec() {
        this(Clock.systemUTC());
    }

    /**
     * Parses one WebSocket text message.
     *
     * @throws IllegalArgumentException if it is not JSON or lacks the header, the channel or the content
     */
    public KernelMessage decode(String json) {
        requireNonNull(json, "json is null");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("kernel message is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("kernel message is not a JSON object");
        }
        String channelName = root.path("channel").asText("");
        KernelChannel channel = KernelChannel.fromWireName(channelName)
                .orElseThrow(() -> new IllegalArgumentException("unknown kernel channel: '" + channelName + "'"));
        MessageHeader header = header(root.get("header"))
                .orElseThrow(() -> new IllegalArgumentException("kernel message has no header"));
        Optional<MessageHeader> parent = header(root.get("parent_header"));
        return new KernelMessage(channel, header, parent, object(root.get("metadata"), "metadata"),
                object(root.get("content"), "content"));
    }

    /** Writes a message in the WebSocket JSON form. */
    public String encode(KernelMessage message) {
        requireNonNull(message, "message is null");
        ObjectNode root = JSON.createObjectNode();
        root.set("header", headerNode(message.header()));
        root.set("parent_header", message.parentHeader().map(this::headerNode).orElseGet(JSON::createObjectNode));
        root.set("metadata", message.metadata());
        root.set("content", message.content());
        root.put("channel", message.channel().wireName());
        root.putArray("buffers");
        return root.toString();
    }

    /**
     * A new {@code execute_request} for the shell channel, with a fresh message id.
     *
     * @param session the client session id
     * @param username who asks (for the kernel's own bookkeeping; not an authorization)
     * @param code the code to run
     */
    public KernelMessage executeRequest(String session, String username, String code) {
        requireNonNull(code, "code is null");
        ObjectNode content = JSON.createObjectNode();
        content.put("code", code);
        content.put("silent", false);
        content.put("store_history", true);
        content.putObject("user_expressions");
        content.put("allow_stdin", false);
        // This client runs one execution at a time, so there is never a queue to abort after an
        // error; with stop_on_error the kernel would abort the next request if it came within its
        // abort window after an error or an interrupt.
        content.put("stop_on_error", false);
        return request(KernelChannel.SHELL, "execute_request", session, username, content);
    }

    /** A new request message with a fresh message id and no parent. */
    public KernelMessage request(KernelChannel channel, String msgType, String session, String username,
            ObjectNode content) {
        MessageHeader header = new MessageHeader(UUID.randomUUID().toString(), session, username,
                Instant.now(clock).toString(), msgType, PROTOCOL_VERSION);
        return new KernelMessage(channel, header, Optional.empty(), JSON.createObjectNode(), content);
    }

    /** The output this message carries, if it is an iopub output message. */
    public Optional<KernelOutput> output(KernelMessage message) {
        if (message.channel() != KernelChannel.IOPUB) {
            return Optional.empty();
        }
        ObjectNode content = message.content();
        return switch (message.msgType()) {
            case "stream" -> Optional.of(new KernelOutput.Stream(
                    "stderr".equals(content.path("name").asText())
                            ? KernelOutput.StreamName.STDERR : KernelOutput.StreamName.STDOUT,
                    content.path("text").asText("")));
            case "display_data", "update_display_data" ->
                    Optional.of(new KernelOutput.DisplayData(mimeBundle(content.get("data"))));
            case "execute_result" -> Optional.of(new KernelOutput.ExecuteResult(
                    content.path("execution_count").asInt(0), mimeBundle(content.get("data"))));
            case "error" -> Optional.of(new KernelOutput.Error(
                    content.path("ename").asText(""), content.path("evalue").asText(""),
                    texts(content.get("traceback"))));
            default -> Optional.empty();
        };
    }

    /** The kernel's execution state ({@code busy}, {@code idle}, {@code starting}, {@code restarting}, {@code dead}) if this is a status message. */
    public Optional<String> executionState(KernelMessage message) {
        if (message.channel() != KernelChannel.IOPUB || !"status".equals(message.msgType())) {
            return Optional.empty();
        }
        return message.contentText("execution_state");
    }

    private Optional<MessageHeader> header(JsonNode node) {
        if (node == null || !node.isObject() || node.isEmpty()) {
            return Optional.empty();
        }
        String msgId = node.path("msg_id").asText("");
        String msgType = node.path("msg_type").asText("");
        if (msgId.isEmpty() || msgType.isEmpty()) {
            throw new IllegalArgumentException("kernel message header lacks msg_id or msg_type");
        }
        return Optional.of(new MessageHeader(msgId, node.path("session").asText(""),
                node.path("username").asText(""), node.path("date").asText(""), msgType,
                node.path("version").asText("")));
    }

    private ObjectNode headerNode(MessageHeader header) {
        ObjectNode node = JSON.createObjectNode();
        node.put("msg_id", header.msgId());
        node.put("session", header.session());
        node.put("username", header.username());
        node.put("date", header.date());
        node.put("msg_type", header.msgType());
        node.put("version", header.version());
        return node;
    }

    private static ObjectNode object(JsonNode node, String name) {
        if (node == null || node.isNull()) {
            return JSON.createObjectNode();
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("kernel message " + name + " is not an object");
        }
        return (ObjectNode) node;
    }

    private static MimeBundle mimeBundle(JsonNode data) {
        Map<String, String> bundle = new LinkedHashMap<>();
        if (data != null && data.isObject()) {
            data.fields().forEachRemaining(entry -> {
                JsonNode value = entry.getValue();
                if (value.isTextual()) {
                    bundle.put(entry.getKey(), value.asText());
                } else if (value.isArray() && entry.getKey().startsWith("text/")) {
                    // Some kernels send multi-line text as a list of lines.
                    bundle.put(entry.getKey(), String.join("", texts(value)));
                } else {
                    bundle.put(entry.getKey(), value.toString());
                }
            });
        }
        return new MimeBundle(bundle);
    }

    private static List<String> texts(JsonNode node) {
        List<String> texts = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(element -> texts.add(element.asText()));
        }
        return texts;
    }
}
