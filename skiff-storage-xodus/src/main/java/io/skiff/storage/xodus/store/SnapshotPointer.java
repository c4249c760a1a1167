package io.skiff.storage.xodus.store;

import io.skiff.spi.SnapshotMeta;

/**
 * The latest committed snapshot: the id naming the Xodus store that holds its records, and its metadata.
 *
 * @param id   unique per snapshot in this environment, increasing.
 * @param meta its metadata, with the final record count.
 */
record SnapshotPointer(long id, SnapshotMeta meta) {
    static final String STORE_PREFIX = "skiff.snapshot.";

    /** @return the name of the store holding snapshot {@code id}'s records. */
    static String storeName(long id) {
        return STORE_PREFIX + id;
    }

    String storeName() {
        return storeName(id);
    }
}
