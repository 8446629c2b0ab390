package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The representations of one displayed value, by MIME type. Text types hold their text, binary
 * types ({@code image/png}) their base64 text as sent by the kernel, JSON types their JSON text.
 *
 * @param data MIME type to representation
 */
public record MimeBundle(Map<String, String> data) {
    public static final String TEXT_PLAIN = "text/plain";
    public static final String TEXT_HTML = "text/html";
    public static final String IMAGE_PNG = "image/png";

    public MimeBundle {
        data = Map.copyOf(requireNonNull(data, "data is null"));
    }

    /** The representation of {@code mimeType}, if present. */
    public Optional<String> get(String mimeType) {
        return Optional.ofNullable(data.get(mimeType));
    }

    /** {@code text/plain}, if present. */
    public Optional<String> text() {
        return get(TEXT_PLAIN);
    }

    /** {@code text/html}, if present. */
    public Optional<String> html() {
        return get(TEXT_HTML);
    }

    /** {@code image/png} as base64 text, if present. */
    public Optional<String> pngBase64() {
        return get(IMAGE_PNG);
    }

    /** UTF-8 size of all representations together, used for the output cap. */
    public long sizeBytes() {
        long size = 0;
        for (var entry : data.entrySet()) {
            size += entry.getKey().length() + entry.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }
}
