package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A running kernel as the gateway reports it.
 *
 * @param id the kernel's id (a UUID as assigned by the gateway)
 * @param name the kernel spec it was started from
 * @param executionState e.g. {@code starting}, {@code idle}, {@code busy}, {@code dead}
 * @param connections how many WebSocket connections it has
 * @param lastActivity when it last sent or received a message, if known
 */
public record KernelInfo(String id, String name, String executionState, int connections, Optional<Instant> lastActivity) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    public KernelInfo {
        checkId(id);
        requireNonNull(name, "name is null");
        requireNonNull(executionState, "executionState is null");
        requireNonNull(lastActivity, "lastActivity is null");
        if (connections < 0) {
            throw new IllegalArgumentException("connections is negative: " + connections);
        }
    }

    /**
     * Checks that {@code id} looks like a kernel id, so it can go into a URL path as it is.
     *
     * @throws IllegalArgumentException if it does not
     */
    public static String checkId(String id) {
        requireNonNull(id, "id is null");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a kernel id: " + id);
        }
        return id;
    }
}
