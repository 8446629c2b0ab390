package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;

/**
 * A cell as released after mitigation.
 *
 * @param key its position
 * @param value the released value; empty exactly when the cell is suppressed or redacted
 * @param suppression why it is hidden, or {@link Suppression#NONE}
 */
public record ReleasedCell(CellKey key, OptionalDouble value, Suppression suppression) {
    public ReleasedCell {
        requireNonNull(key, "key is null");
        requireNonNull(value, "value is null");
        requireNonNull(suppression, "suppression is null");
        if (value.isPresent() != (suppression == Suppression.NONE)) {
            throw new IllegalArgumentException("a released cell has a value exactly when it is not suppressed");
        }
    }

    /** Whether the value is hidden. */
    public boolean hidden() {
        return suppression != Suppression.NONE;
    }
}
