package io.skiff.storage.xodus.store;

/**
 * What the key-value store records in {@link MetaStore}, in the same transaction as the entries it describes: which
 * store holds them and the log index they reflect.
 *
 * @param generation   names the Xodus store of the entries, {@code skiff.kv.<generation>}; a {@code clear()} moves
 *                     the entries to a new generation, so that the switch is one atomic change.
 * @param appliedIndex the applied index of the last commit.
 */
record KvState(long generation, long appliedIndex) {
    static final String STORE_PREFIX = "skiff.kv.";
    static final int BYTES = 2 * Long.BYTES;

    /** @return the name of the store holding generation {@code generation}'s entries. */
    static String storeName(long generation) {
        return STORE_PREFIX + generation;
    }
}
