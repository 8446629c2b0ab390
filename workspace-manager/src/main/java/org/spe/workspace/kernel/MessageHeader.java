package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

/**
 * The header of a Jupyter message (messaging protocol v5.3).
 *
 * @param msgId unique id of the message; replies name it in their parent header
 * @param session id of the client session that sent it
 * @param username who sent it
 * @param date ISO-8601 timestamp as sent (kept as text: kernels differ in precision and zone form)
 * @param msgType e.g. {@code execute_request}, {@code stream}
 * @param version protocol version, e.g. {@code 5.3}
 */
public record MessageHeader(String msgId, String session, String username, String date, String msgType, String version) {
    public MessageHeader {
        requireNonNull(msgId, "msgId is null");
        requireNonNull(session, "session is null");
        requireNonNull(username, "username is null");
        requireNonNull(date, "date is null");
        requireNonNull(msgType, "msgType is null");
        requireNonNull(version, "version is null");
        if (msgType.isEmpty()) {
            throw new IllegalArgumentException("msgType is empty");
        }
    }
}
