package io.skiff.spi;

/**
 * An ordered key-value store kept by a storage provider next to the log, for state machines whose data lives in
 * storage rather than in memory (data larger than memory, no replay on restart). Keys are ordered as unsigned
 * bytes. Writes accumulate until {@link #commit}, which makes them visible to a restart together with the applied
 * index they reflect, in one transaction; reads see uncommitted writes. A commit need not be synced: the log, which
 * is durable, replays whatever a crash loses. Called only from the node's loop.
 */
public interface KvStore {
    /** @return the applied index of the last commit; 0 for an empty store. */
    long appliedIndex();

    /** @return the value, or {@code null} when the key is absent. */
    byte[] get(byte[] key);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /**
     * Visits entries in key order.
     *
     * @param start          where to start: the lowest key to visit (the highest when {@code reverse}), or
     *                       {@code null} for the first (last) key.
     * @param startInclusive whether an entry at {@code start} itself is visited.
     * @param reverse        visit in descending key order.
     * @param visitor        receives each entry until it returns {@code false}.
     */
    void scan(byte[] start, boolean startInclusive, boolean reverse, EntryVisitor visitor);

    /** Removes every entry (before a snapshot replaces the whole state). */
    void clear();

    /**
     * Makes the writes since the last commit, and the applied index they reflect, one atomic change.
     *
     * @param appliedIndex the log index the store now reflects.
     */
    void commit(long appliedIndex);

    /** Receives entries from {@link #scan}. */
    @FunctionalInterface
    interface EntryVisitor {
        /** @return whether to continue. */
        boolean visit(byte[] key, byte[] value);
    }
}
