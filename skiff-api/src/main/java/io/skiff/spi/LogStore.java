package io.skiff.spi;

import java.nio.ByteBuffer;

/**
 * The Raft log: entries at consecutive indexes from {@link #firstIndex()} to {@link #lastIndex()}.
 *
 * <p>Entries are opaque to the store: the node encodes them with their own term, index and CRC32C, and verifies
 * them when it reads them back, so a store need not understand them. After a compaction the store remembers the
 * index and term of the last compacted entry, so that {@link #term(long)} still answers for
 * {@code firstIndex() - 1}.
 */
public interface LogStore {
    /** @return the index of the first entry held; {@code lastIndex() + 1} when none is held. */
    long firstIndex();

    /** @return the index of the last entry held, or of the last compacted one when none is held; 0 initially. */
    long lastIndex();

    /**
     * The term of an entry.
     *
     * @param index from {@code firstIndex() - 1} to {@code lastIndex()}.
     * @return the term; 0 for index 0.
     * @throws io.skiff.StorageException when the index is outside that range or the entry cannot be read.
     */
    long term(long index);

    /**
     * Appends one entry after the last.
     *
     * @param index must be {@code lastIndex() + 1}.
     * @param term  the entry's term.
     * @param entry the encoded entry between position and limit; copied, position and limit left unchanged.
     * @throws io.skiff.StorageException when the write fails or the index is not the next one.
     */
    void append(long index, long term, ByteBuffer entry);

    /**
     * Removes every entry after {@code index}, to replace a conflicting suffix.
     *
     * @param index the last index kept; at least {@code firstIndex() - 1}.
     */
    void truncateAfter(long index);

    /**
     * Discards entries up to and including {@code index}, once a snapshot covers them. An index beyond
     * {@link #lastIndex()} empties the log and makes the next append go to {@code index + 1} (a snapshot was
     * installed).
     *
     * @param index the last index to discard.
     * @param term  the term of that entry, kept for {@link #term(long)}.
     */
    void compactUpTo(long index, long term);

    /**
     * Makes every append, truncation and compaction so far durable (one fsync for the whole batch).
     *
     * @throws io.skiff.StorageException when the data could not be made durable; the node then stops accepting
     *                                   writes.
     */
    void sync();

    /**
     * Reads entries in index order.
     *
     * @param fromIndex first index to read, at least {@link #firstIndex()}.
     * @param toIndex   last index to read, at most {@link #lastIndex()}.
     * @param maxBytes  stop before the entry that would exceed this total; the first entry is always read.
     * @param handler   receives each entry.
     * @return the number of entries read.
     */
    int read(long fromIndex, long toIndex, int maxBytes, EntryHandler handler);

    /** Receives entries from {@link LogStore#read}. */
    @FunctionalInterface
    interface EntryHandler {
        /**
         * @param index the entry's index.
         * @param term  its term.
         * @param entry its bytes between position and limit, valid only during the call.
         */
        void onEntry(long index, long term, ByteBuffer entry);
    }
}
