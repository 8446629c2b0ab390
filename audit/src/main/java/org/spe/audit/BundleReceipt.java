package org.spe.audit;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/** What an export wrote: the file, the signed tree head it ends with, the events in it, and the file's SHA-256 (hex). */
public record BundleReceipt(Path file, SignedTreeHead treeHead, long eventCount, String sha256) {
    public BundleReceipt {
        requireNonNull(file, "file is null");
        requireNonNull(treeHead, "treeHead is null");
        requireNonNull(sha256, "sha256 is null");
    }
}
