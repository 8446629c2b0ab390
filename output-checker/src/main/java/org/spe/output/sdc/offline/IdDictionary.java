package org.spe.output.sdc.offline;

/**
 * Maps identifier strings to dense ints 0, 1, 2, … in order of first appearance, keeping only a
 * 64-bit hash of each identifier rather than the string, so millions of pseudonyms fit in a few
 * tens of megabytes. Two distinct identifiers collide with probability about n²/2⁶⁵ (below one in
 * a million for ten million identifiers); a collision merges two persons into one, which only
 * makes the rules stricter (fewer persons, larger contributions). Not thread-safe.
 */
final class IdDictionary {
    // (hash, id + 1) pairs in one array so a lookup touches one cache line; id + 1 == 0 is empty
    private long[] slots = new long[1 << 13];
    private int size;

    /** The int of this identifier, assigning the next one if it is new. */
    int idOf(String identifier) {
        long hash = hash(identifier);
        int mask = slots.length / 2 - 1;
        int slot = (int) (hash ^ (hash >>> 32)) & mask;
        while (true) {
            int index = slot * 2;
            if (slots[index + 1] == 0) {
                int id = size++;
                slots[index] = hash;
                slots[index + 1] = id + 1L;
                if (size * 4L > (slots.length / 2) * 3L) {
                    grow();
                }
                return id;
            }
            if (slots[index] == hash) {
                return (int) (slots[index + 1] - 1);
            }
            slot = (slot + 1) & mask;
        }
    }

    /** How many identifiers have been seen. */
    int size() {
        return size;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length / 2 - 1;
        for (int index = 0; index < old.length; index += 2) {
            if (old[index + 1] != 0) {
                long hash = old[index];
                int slot = (int) (hash ^ (hash >>> 32)) & mask;
                while (slots[slot * 2 + 1] != 0) {
                    slot = (slot + 1) & mask;
                }
                slots[slot * 2] = hash;
                slots[slot * 2 + 1] = old[index + 1];
            }
        }
    }

    /** A 64-bit FNV-1a over the chars, finished with the murmur3 fmix64 avalanche. */
    static long hash(String identifier) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < identifier.length(); i++) {
            h ^= identifier.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= identifier.length();
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
