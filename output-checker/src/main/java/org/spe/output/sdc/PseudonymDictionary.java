package org.spe.output.sdc;

import static java.util.Objects.requireNonNull;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.roaringbitmap.RoaringBitmap;

/**
 * Maps a permit's pseudonymous person IDs to dense ints for {@link RoaringBitmap} person sets,
 * exactly (no hashing shortcuts), so the populations of tables released at different times from
 * the same permit can be compared by {@link DifferencingCheck}. One dictionary per permit; it stays
 * inside the platform with the pseudonyms. Thread-safe.
 */
public final class PseudonymDictionary {
    private final Map<String, Integer> ids = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    /** An empty dictionary. */
    public PseudonymDictionary() {}

    /** A dictionary restored from stored pairs; ids must be distinct and non-negative. */
    public PseudonymDictionary(Map<String, Integer> stored) {
        requireNonNull(stored, "stored is null");
        int max = -1;
        for (Map.Entry<String, Integer> entry : stored.entrySet()) {
            int id = requireNonNull(entry.getValue(), "id is null");
            if (id < 0) {
                throw new IllegalArgumentException("ids must not be negative: " + id);
            }
            max = Math.max(max, id);
        }
        if (stored.values().stream().distinct().count() != stored.size()) {
            throw new IllegalArgumentException("ids must be distinct");
        }
        ids.putAll(stored);
        next.set(max + 1);
    }

    /** The int of this pseudonym, assigning a new one on first sight. */
    public int idOf(String pseudonym) {
        requireNonNull(pseudonym, "pseudonym is null");
        return ids.computeIfAbsent(pseudonym, p -> next.getAndIncrement());
    }

    /** The person set of these pseudonyms, assigning ints as needed. */
    public RoaringBitmap bitmapOf(Collection<String> pseudonyms) {
        requireNonNull(pseudonyms, "pseudonyms is null");
        RoaringBitmap bitmap = new RoaringBitmap();
        pseudonyms.forEach(p -> bitmap.add(idOf(p)));
        return bitmap;
    }

    /** A snapshot of every pair, for storage. */
    public Map<String, Integer> snapshot() {
        return Map.copyOf(ids);
    }
}
