package org.spe.output.sdc;

import java.io.Serializable;

/** Open-addressing map from int keys to double sums; keeps per-person totals compact. */
final class IntDoubleMap implements Serializable {
    private static final long serialVersionUID = 1L;

    interface Visitor {
        void visit(int key, double value);
    }

    private int[] keys = new int[8];
    private double[] values = new double[8];
    private boolean[] used = new boolean[8];
    private int size;

    void add(int key, double value) {
        if ((size + 1) * 4 > keys.length * 3) {
            grow();
        }
        int mask = keys.length - 1;
        int slot = mix(key) & mask;
        while (used[slot]) {
            if (keys[slot] == key) {
                values[slot] += value;
                return;
            }
            slot = (slot + 1) & mask;
        }
        used[slot] = true;
        keys[slot] = key;
        values[slot] = value;
        size++;
    }

    /**
     * Grows the table to hold that many keys without resizing. Merging one map into another in
     * slot order clusters badly when the destination is smaller (linear probing), so callers
     * presize before a merge.
     */
    void ensureCapacity(int expected) {
        while ((long) expected * 4 > (long) keys.length * 3) {
            grow();
        }
    }

    void forEach(Visitor visitor) {
        for (int i = 0; i < keys.length; i++) {
            if (used[i]) {
                visitor.visit(keys[i], values[i]);
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        int[] oldKeys = keys;
        double[] oldValues = values;
        boolean[] oldUsed = used;
        keys = new int[oldKeys.length * 2];
        values = new double[oldKeys.length * 2];
        used = new boolean[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldUsed[i]) {
                add(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int mix(int key) {
        int h = key * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
