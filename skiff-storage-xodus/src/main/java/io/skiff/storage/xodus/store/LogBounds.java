package io.skiff.storage.xodus.store;

/**
 * What the log store records beside its entries, in the same transaction: the compaction boundary and the last
 * entry. On open the entries must run without a gap from {@code compactedIndex + 1} to {@code lastIndex}; the
 * record is what lets a lost tail (which Xodus 2.0.1 cannot detect itself) be told from a short log.
 *
 * @param compactedIndex the last compacted index, 0 when nothing was compacted.
 * @param compactedTerm  its term.
 * @param lastIndex      the last index held, or {@code compactedIndex} when the log is empty.
 * @param lastTerm       its term.
 */
record LogBounds(long compactedIndex, long compactedTerm, long lastIndex, long lastTerm) {
    static final LogBounds EMPTY = new LogBounds(0, 0, 0, 0);
    static final int BYTES = 4 * Long.BYTES;
}
