package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One message of the Jupyter messaging protocol as carried over the Kernel Gateway WebSocket. An
 * immutable value: the JSON parts are copied in and copied out.
 *
 * @param channel the channel it travels on
 * @param header its header
 * @param parentHeader the header of the request it answers, absent for unsolicited messages
 * @param metadata free-form metadata
 * @param content the message-type-specific content
 */
public record KernelMessage(
        KernelChannel channel,
        MessageHeader header,
        Optional<MessageHeader> parentHeader,
        ObjectNode metadata,
        ObjectNode content) {
    public KernelMessage {
        requireNonNull(channel, "channel is null");
        requireNonNull(header, "header is null");
        requireNonNull(parentHeader, "parentHeader is null");
        metadata = requireNonNull(metadata, "metadata is null").deepCopy();
        content = requireNonNull(content, "content is null").deepCopy();
    }

    /** A copy of the metadata. */
    @Override
    public ObjectNode metadata() {
        return metadata.deepCopy();
    }

    /** A copy of the content. */
    @Override
    public ObjectNode content() {
        return content.deepCopy();
    }

    /** The message type, from the header. */
    public String msgType() {
        return header.msgType();
    }

    /** Whether this message answers the request with id {@code msgId}. */
    public boolean isReplyTo(String msgId) {
        return parentHeader.map(parent -> parent.msgId().equals(msgId)).orElse(false);
    }

    /** A text field of the content, if present and textual. */
    public Optional<String> contentText(String field) {
        var node = content.get(field);
        return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
    }
}
