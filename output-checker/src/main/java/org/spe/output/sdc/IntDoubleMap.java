package org.spe.output.sdc;

import java.io.Serializable;

/**
 * Open-addressing map from int keys to double sums; keeps per-person totals compact. Key and
 * value share one array (key + 1 in the even slot, 0 meaning empty; the value's bits in the odd
 * slot) so a lookup touches one cache line.
 */
final class IntDoubleMap implements Serializable {
    private static final long serialVersionUID = 1L;

    interface Visitor {
        void visit(int key, double value);
    }

    private long[] slots = new long[16];
    private int size;

    void add(int key, double value) {
        if ((size + 1) * 4L > capacity() * 3L) {
            resize(capacity() * 2);
        }
        insert(key, value);
    }

    private void insert(int key, double value) {
        long stored = (long) key + 1 + Integer.MAX_VALUE + 1; // never 0
        int mask = capacity() - 1;
        int slot = mix(key) & mask;
        while (true) {
            int index = slot * 2;
            long current = slots[index];
            if (current == 0) {
                slots[index] = stored;
                slots[index + 1] = Double.doubleToRawLongBits(value);
                size++;
                return;
            }
            if (current == stored) {
                slots[index + 1] = Double.doubleToRawLongBits(Double.longBitsToDouble(slots[index + 1]) + value);
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Grows the table to hold that many keys without resizing. Merging one map into another in
     * slot order clusters badly when the destination is smaller (linear probing), so callers
     * presize before a merge.
     */
    void ensureCapacity(int expected) {
        int capacity = capacity();
        while ((long) expected * 4 > (long) capacity * 3) {
            capacity *= 2;
        }
        if (capacity != capacity()) {
            resize(capacity);
        }
    }

    void forEach(Visitor visitor) {
        for (int index = 0; index < slots.length; index += 2) {
            if (slots[index] != 0) {
                visitor.visit(keyOf(slots[index]), Double.longBitsToDouble(slots[index + 1]));
            }
        }
    }

    int size() {
        return size;
    }

    private int capacity() {
        return slots.length / 2;
    }

    private void resize(int capacity) {
        long[] old = slots;
        slots = new long[capacity * 2];
        size = 0;
        for (int index = 0; index < old.length; index += 2) {
            if (old[index] != 0) {
                insert(keyOf(old[index]), Double.longBitsToDouble(old[index + 1]));
            }
        }
    }

    private static int keyOf(long stored) {
        return (int) (stored - 1 - Integer.MAX_VALUE - 1);
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
