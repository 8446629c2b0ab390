package org.spe.server.api;

import io.javalin.http.Context;

/**
 * The security headers of every answer, API and console alike: a strict Content-Security-Policy
 * (scripts and styles only from this origin, no inline script or style, no plugins, never framed),
 * no MIME sniffing, no referrer, no caching, and the cross-origin isolation headers. The console
 * is built to run under exactly this policy; {@code ConsoleIT} checks it.
 */
public final class SecurityHeaders {
    /** The Content-Security-Policy of every answer. */
    public static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "frame-src 'none'",
            "worker-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'");

    private SecurityHeaders() {}

    /** Sets the headers on an answer; called before every handler. */
    public static void apply(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Cross-Origin-Opener-Policy", "same-origin");
        ctx.header("Cross-Origin-Resource-Policy", "same-origin");
        ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), clipboard-read=()");
    }
}
