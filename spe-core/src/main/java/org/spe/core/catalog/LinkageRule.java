package org.spe.core.catalog;

import static java.util.Objects.requireNonNull;

/**
 * An allowed linkage between two source databases (公的DB間の連結). Unordered: the constructor
 * puts the pair in enum order so {@code (DPC, NDB)} equals {@code (NDB, DPC)}.
 */
public record LinkageRule(SourceDatabase first, SourceDatabase second) {
    public LinkageRule {
        requireNonNull(first, "first is null");
        requireNonNull(second, "second is null");
        if (first == second) {
            throw new IllegalArgumentException("a linkage rule needs two different sources: " + first);
        }
        if (first.ordinal() > second.ordinal()) {
            SourceDatabase swap = first;
            first = second;
            second = swap;
        }
    }

    public boolean covers(SourceDatabase a, SourceDatabase b) {
        return equals(new LinkageRule(a, b));
    }
}
