package io.skiff.core.kv;

import java.util.List;
import java.util.Map;

/** Where the key-value state machine keeps its entries: on the heap, or in the storage next to the log. */
interface KvData {
    /** @return the applied index the data reflects when opened (0 on the heap). */
    long openedAppliedIndex();

    byte[] get(byte[] key);

    void put(byte[] key, byte[] value);

    void delete(byte[] key);

    /** @return at most {@code max} entries of the range, in its order. */
    List<Map.Entry<byte[], byte[]>> range(KvRange range, int max);

    /** Visits every entry in ascending key order. */
    void forEach(java.util.function.BiConsumer<byte[], byte[]> visitor);

    /** Makes the writes of a batch of applies one change, recording the index they reflect. */
    void commit(long appliedIndex);

    /** Replaces every entry: called with validated entries of a snapshot, in ascending order, then committed. */
    Restore restore();

    /** A replacement in progress. */
    interface Restore {
        void put(byte[] key, byte[] value);

        /** Makes the replacement the state, reflecting {@code appliedIndex}. */
        void finish(long appliedIndex);
    }

    /** Releases what the data holds. */
    void close();
}
