package io.skiff.testkit.check;

import java.util.Arrays;

/**
 * The model state of a partition: one interned value per key (0: absent), persistent so that the search can keep
 * every state it visited in its cache. Keys are split into chunks of 32; a write copies the chunk index and one
 * chunk, and shares the rest. The hash is a sum of per-slot terms (Zobrist style), updated on each write.
 */
final class ValueVector {
    private static final int SHIFT = 5;
    private static final int CHUNK = 1 << SHIFT;
    private static final int MASK = CHUNK - 1;

    private final int[][] chunks;
    private final long hash;

    private ValueVector(int[][] chunks, long hash) {
        this.chunks = chunks;
        this.hash = hash;
    }

    /** @return a state of {@code size} keys, all absent. */
    static ValueVector absent(int size) {
        final int[][] chunks = new int[(size + MASK) >>> SHIFT][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = new int[Math.min(CHUNK, size - (i << SHIFT))];
        }
        return new ValueVector(chunks, 0);
    }

    int get(int key) {
        return chunks[key >>> SHIFT][key & MASK];
    }

    /** @return the state with {@code key} set to {@code value}; this one if it already holds it. */
    ValueVector with(int key, int value) {
        final int old = get(key);
        if (old == value) {
            return this;
        }
        final int[][] copy = chunks.length == 1 ? new int[1][] : chunks.clone();
        final int[] chunk = chunks[key >>> SHIFT].clone();
        chunk[key & MASK] = value;
        copy[key >>> SHIFT] = chunk;
        return new ValueVector(copy, hash - term(key, old) + term(key, value));
    }

    long hash() {
        return hash;
    }

    boolean sameAs(ValueVector other) {
        if (this == other) {
            return true;
        }
        if (hash != other.hash) {
            return false;
        }
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i] != other.chunks[i] && !Arrays.equals(chunks[i], other.chunks[i])) {
                return false;
            }
        }
        return true;
    }

    private static long term(int key, int value) {
        return 0 == value ? 0 : Mix.mix(((long)key << 32) ^ (value & 0xFFFF_FFFFL));
    }
}
