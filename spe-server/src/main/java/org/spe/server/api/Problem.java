package org.spe.server.api;

/** An RFC 9457 problem document, the body of every error answer. */
public record Problem(String type, String title, int status, String detail, String instance) {}
