package io.skiff.core.storage;

import io.skiff.spi.SnapshotMeta;

import java.util.List;

/**
 * A committed snapshot: its metadata, with the final record count, and its records. Immutable once built, so a
 * reader may go on reading it after a newer snapshot replaced it.
 */
final class SnapshotData {
    private final SnapshotMeta meta;
    private final byte[][] records;

    SnapshotData(SnapshotMeta meta, List<byte[]> records) {
        this.meta = meta.withRecords(records.size());
        this.records = records.toArray(new byte[0][]);
    }

    SnapshotMeta meta() {
        return meta;
    }

    int records() {
        return records.length;
    }

    byte[] record(int position) {
        return records[position];
    }
}
