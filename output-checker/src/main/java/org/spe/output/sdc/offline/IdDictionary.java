package org.spe.output.sdc.offline;

/**
 * Maps identifier strings to dense ints 0, 1, 2, … in order of first appearance, keeping only a
 * 64-bit hash of each identifier rather than the string, so millions of pseudonyms fit in a few
 * tens of megabytes. Two distinct identifiers collide with probability about n²/2⁶⁵ (below one in
 * a million for ten million identifiers); a collision merges two persons into one, which only
 * makes the rules stricter (fewer persons, larger contributions). Not thread-safe.
 */
final class IdDictionary {
    private long[] hashes = new long[1 << 12];
    private int[] ids = new int[1 << 12];
    private boolean[] used = new boolean[1 << 12];
    private int size;

    /** The int of this identifier, assigning the next one if it is new. */
    int idOf(String identifier) {
        long hash = hash(identifier);
        int mask = hashes.length - 1;
        int slot = (int) (hash ^ (hash >>> 32)) & mask;
        while (used[slot]) {
            if (hashes[slot] == hash) {
                return ids[slot];
            }
            slot = (slot + 1) & mask;
        }
        int id = size++;
        used[slot] = true;
        hashes[slot] = hash;
        ids[slot] = id;
        if (size * 4 > hashes.length * 3) {
            grow();
        }
        return id;
    }

    /** How many identifiers have been seen. */
    int size() {
        return size;
    }

    private void grow() {
        long[] oldHashes = hashes;
        int[] oldIds = ids;
        boolean[] oldUsed = used;
        hashes = new long[oldHashes.length * 2];
        ids = new int[oldHashes.length * 2];
        used = new boolean[oldHashes.length * 2];
        int mask = hashes.length - 1;
        for (int i = 0; i < oldHashes.length; i++) {
            if (oldUsed[i]) {
                long hash = oldHashes[i];
                int slot = (int) (hash ^ (hash >>> 32)) & mask;
                while (used[slot]) {
                    slot = (slot + 1) & mask;
                }
                used[slot] = true;
                hashes[slot] = hash;
                ids[slot] = oldIds[i];
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
