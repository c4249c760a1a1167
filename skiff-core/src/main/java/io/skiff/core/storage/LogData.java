package io.skiff.core.storage;

import java.util.Arrays;

/**
 * One node's log in memory: the live entries, and what a crash would bring back.
 *
 * <p>The live log holds entries {@code (compactedIndex, lastIndex]} in a ring of slots. The durable log is the
 * live log as it was at the last {@link #sync()}: entries {@code (syncedCompactedIndex, syncedLastIndex]}. It is
 * not copied at each sync, which would cost the whole log per batch; instead, the entries that truncations and
 * compactions removed since the sync are kept aside by reference (an undo record), and the rest of the durable
 * log is still live. Every durable entry at index {@code i} is found:
 * <ul>
 *   <li>in {@link #compactedUndo} when {@code i <= min(compactedIndex, intactUpTo)}: compacted since the sync,
 *   stacked in ascending order from {@code syncedCompactedIndex + 1};</li>
 *   <li>in the live log when {@code compactedIndex < i <= intactUpTo}: untouched since the sync;</li>
 *   <li>in {@link #truncatedUndo} when {@code i > intactUpTo}: truncated since the sync, stacked in descending
 *   order from {@code syncedLastIndex}.</li>
 * </ul>
 * Appends at the tail therefore cost one slot each, a sync costs the references it drops, and only a crash pays
 * for rebuilding the log. Entries are immutable byte arrays, so keeping them aside copies no bytes.
 *
 * <p>Not thread-safe: the owner hands it between threads only through the synchronized open, close and crash of
 * {@link NodeStorage}.
 */
final class LogData {
    private static final int INITIAL_CAPACITY = 64;

    private byte[][] entries = new byte[INITIAL_CAPACITY][];
    private long[] terms = new long[INITIAL_CAPACITY];
    /** Slot of the entry at {@code compactedIndex + 1}. */
    private int head;
    private int count;
    private long compactedIndex;
    private long compactedTerm;

    private long syncedCompactedIndex;
    private long syncedCompactedTerm;
    private long syncedLastIndex;
    /** Durable entries above this index were truncated since the sync; never above {@link #syncedLastIndex}. */
    private long intactUpTo;
    private final EntryStack compactedUndo = new EntryStack();
    private final EntryStack truncatedUndo = new EntryStack();

    long compactedIndex() {
        return compactedIndex;
    }

    long compactedTerm() {
        return compactedTerm;
    }

    long lastIndex() {
        return compactedIndex + count;
    }

    /** @param index in {@code (compactedIndex, lastIndex]}. */
    byte[] entry(long index) {
        return entries[slot(index)];
    }

    /** @param index in {@code (compactedIndex, lastIndex]}. */
    long term(long index) {
        return terms[slot(index)];
    }

    /** Appends at {@code lastIndex + 1}; the array is kept, not copied. */
    void append(long term, byte[] entry) {
        if (count == entries.length) {
            grow();
        }
        final int slot = (head + count) & (entries.length - 1);
        entries[slot] = entry;
        terms[slot] = term;
        count++;
    }

    /** @param index in {@code [compactedIndex, lastIndex)}. */
    void truncateAfter(long index) {
        for (long i = intactUpTo; i > index; i--) {
            truncatedUndo.push(entry(i), term(i));
        }
        intactUpTo = Math.min(intactUpTo, index);
        for (long i = lastIndex(); i > index; i--) {
            entries[slot(i)] = null;
        }
        count = (int)(index - compactedIndex);
    }

    /** @param index above {@code compactedIndex}; beyond {@code lastIndex} it empties the log. */
    void compactUpTo(long index, long term) {
        final long removedUpTo = Math.min(index, lastIndex());
        for (long i = compactedIndex + 1; i <= Math.min(removedUpTo, intactUpTo); i++) {
            compactedUndo.push(entry(i), term(i));
        }
        for (long i = compactedIndex + 1; i <= removedUpTo; i++) {
            entries[slot(i)] = null;
        }
        final int removed = (int)(removedUpTo - compactedIndex);
        head = (head + removed) & (entries.length - 1);
        count -= removed;
        compactedIndex = index;
        compactedTerm = term;
    }

    /** Makes the live log the durable one. */
    void sync() {
        syncedCompactedIndex = compactedIndex;
        syncedCompactedTerm = compactedTerm;
        syncedLastIndex = lastIndex();
        intactUpTo = syncedLastIndex;
        compactedUndo.clear();
        truncatedUndo.clear();
    }

    /** Replaces the live log with the durable one, as a power loss would. */
    void revertToSynced() {
        final int size = (int)(syncedLastIndex - syncedCompactedIndex);
        final int capacity = Math.max(INITIAL_CAPACITY, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
        final byte[][] durableEntries = new byte[capacity][];
        final long[] durableTerms = new long[capacity];
        final long fromUndo = Math.min(compactedIndex, intactUpTo);
        for (int k = 0; k < size; k++) {
            final long index = syncedCompactedIndex + 1 + k;
            if (index <= fromUndo) {
                final int position = (int)(index - syncedCompactedIndex - 1);
                durableEntries[k] = compactedUndo.entry(position);
                durableTerms[k] = compactedUndo.term(position);
            } else if (index <= intactUpTo) {
                durableEntries[k] = entry(index);
                durableTerms[k] = term(index);
            } else {
                final int position = (int)(syncedLastIndex - index);
                durableEntries[k] = truncatedUndo.entry(position);
                durableTerms[k] = truncatedUndo.term(position);
            }
        }
        entries = durableEntries;
        terms = durableTerms;
        head = 0;
        count = size;
        compactedIndex = syncedCompactedIndex;
        compactedTerm = syncedCompactedTerm;
        sync();
    }

    private int slot(long index) {
        return (int)((head + (index - compactedIndex - 1)) & (entries.length - 1));
    }

    private void grow() {
        final int capacity = entries.length * 2;
        final byte[][] grownEntries = new byte[capacity][];
        final long[] grownTerms = new long[capacity];
        for (int k = 0; k < count; k++) {
            final int slot = (head + k) & (entries.length - 1);
            grownEntries[k] = entries[slot];
            grownTerms[k] = terms[slot];
        }
        Arrays.fill(entries, null);
        entries = grownEntries;
        terms = grownTerms;
        head = 0;
    }
}
