package org.spe.workspace.helper;

/**
 * Answers one request that code inside a workspace sent over its control socket.
 *
 * <p>The request is untrusted input: one line of (supposedly) JSON, at most
 * {@link ControlSocketServer#MAX_REQUEST_BYTES} bytes, written by anything running in the sandbox.
 * The answer is one JSON object: {@code {"ok":true,…}} or {@code {"ok":false,"error":"…","category":"…"}}.
 * Implementations must be thread-safe (requests are handled concurrently) and should never throw; a
 * thrown exception is answered with a generic internal error. Extend by wrapping (an auditing
 * decorator around {@link SqlControlHandler}).
 */
@FunctionalInterface
public interface ControlHandler {
    /** The JSON answer to {@code request}. May block (a query runs here). */
    String handle(String request);
}
