package org.spe.workspace.kernel;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of the Kernel Gateway client.
 *
 * @param requestTimeout bound on one HTTP exchange or WebSocket handshake
 * @param maxOutputBytesPerExecution the output cap of one execution (UTF-8 bytes of text,
 *     base64 text of images)
 * @param maxMessageChars the largest single WebSocket message parsed; larger ones are dropped
 *     unparsed and count as truncated output; at least {@code maxOutputBytesPerExecution}
 * @param interruptGrace how long, after interrupting a timed-out execution, to wait for the
 *     kernel to acknowledge before returning
 * @param username the name put in message headers
 */
public record KernelClientConfig(
        Duration requestTimeout,
        long maxOutputBytesPerExecution,
        int maxMessageChars,
        Duration interruptGrace,
        String username) {
    public KernelClientConfig {
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireNonNull(interruptGrace, "interruptGrace is null");
        requireNonNull(username, "username is null");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive: " + requestTimeout);
        }
        if (interruptGrace.isNegative()) {
            throw new IllegalArgumentException("interruptGrace is negative: " + interruptGrace);
        }
        if (maxOutputBytesPerExecution < 1024) {
            throw new IllegalArgumentException("maxOutputBytesPerExecution must be at least 1024: "
                    + maxOutputBytesPerExecution);
        }
        if (maxMessageChars < maxOutputBytesPerExecution) {
            throw new IllegalArgumentException("maxMessageChars must be at least maxOutputBytesPerExecution");
        }
    }

    /** 10 s requests, 1 MiB of output per execution, 64 Mi-char messages, 5 s interrupt grace, user {@code spe}. */
    public static KernelClientConfig defaults() {
        return new KernelClientConfig(Duration.ofSeconds(10), 1024 * 1024, 64 * 1024 * 1024, Duration.ofSeconds(5), "spe");
    }

    /** A copy with another output cap. */
    public KernelClientConfig withMaxOutputBytesPerExecution(long bytes) {
        return new KernelClientConfig(requestTimeout, bytes, maxMessageChars, interruptGrace, username);
    }
}
