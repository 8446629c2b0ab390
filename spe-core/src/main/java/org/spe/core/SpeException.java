package org.spe.core;

import static java.util.Objects.requireNonNull;

/**
 * The one unchecked root exception of the platform. Its {@link ErrorCategory} decides the HTTP
 * status and whether a retry can help; its message is written for the person who must act on it
 * and never contains credentials, tokens or data values.
 */
public class SpeException extends RuntimeException {
    private final ErrorCategory category;

    public SpeException(ErrorCategory category, String message) {
        super(requireNonNull(message, "message is null"));
        this.category = requireNonNull(category, "category is null");
    }

    public SpeException(ErrorCategory category, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.category = requireNonNull(category, "category is null");
    }

    public ErrorCategory category() {
        return category;
    }

    public static SpeException invalid(String format, Object... args) {
        return new SpeException(ErrorCategory.INVALID_INPUT, String.format(format, args));
    }

    public static SpeException notFound(String format, Object... args) {
        return new SpeException(ErrorCategory.NOT_FOUND, String.format(format, args));
    }

    public static SpeException conflict(String format, Object... args) {
        return new SpeException(ErrorCategory.CONFLICT, String.format(format, args));
    }
}
