package io.skiff.core.storage;

import java.util.Arrays;

/**
 * A growable stack of log entries (bytes and term) that keeps its arrays between uses, so that recording what a
 * truncation or compaction removed allocates nothing once it has grown to its working size.
 */
final class EntryStack {
    private static final int INITIAL_CAPACITY = 16;

    private byte[][] entries = new byte[INITIAL_CAPACITY][];
    private long[] terms = new long[INITIAL_CAPACITY];
    private int size;

    void push(byte[] entry, long term) {
        if (size == entries.length) {
            entries = Arrays.copyOf(entries, size * 2);
            terms = Arrays.copyOf(terms, size * 2);
        }
        entries[size] = entry;
        terms[size] = term;
        size++;
    }

    int size() {
        return size;
    }

    byte[] entry(int position) {
        return entries[position];
    }

    long term(int position) {
        return terms[position];
    }

    /** Forgets every entry, dropping the references so that the entries can be collected. */
    void clear() {
        Arrays.fill(entries, 0, size, null);
        size = 0;
    }
}
