package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A total cell and the cells it totals.
 *
 * @param total the margin cell
 * @param parts the cells it totals
 * @param exact whether total = Σ parts (sums; counts where each person falls in one part); when not
 *     (distinct-person counts where a person falls in several parts) an attacker only knows
 *     max(parts) ≤ total ≤ Σ parts
 */
public record LinearRelation(CellKey total, List<CellKey> parts, boolean exact) {
    public LinearRelation {
        requireNonNull(total, "total is null");
        parts = List.copyOf(requireNonNull(parts, "parts is null"));
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a relation needs parts");
        }
        if (parts.contains(total)) {
            throw new IllegalArgumentException("a total cannot be its own part");
        }
    }
}
