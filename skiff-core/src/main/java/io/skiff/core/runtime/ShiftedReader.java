package io.skiff.core.runtime;

import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;

/**
 * A snapshot as the state machine sees it: the node keeps its client sessions in the snapshot's first record, so
 * the state machine reads the records after it, numbered from 0.
 */
final class ShiftedReader implements SnapshotStore.Reader {
    private final SnapshotStore.Reader reader;
    private final int skipped;

    ShiftedReader(SnapshotStore.Reader reader, int skipped) {
        this.reader = reader;
        this.skipped = skipped;
    }

    @Override
    public SnapshotMeta meta() {
        final SnapshotMeta meta = reader.meta();
        return meta.withRecords(Math.max(0, meta.records() - skipped));
    }

    @Override
    public int read(long fromRecord, int maxRecords, int maxBytes, SnapshotStore.RecordHandler handler) {
        return reader.read(fromRecord + skipped, maxRecords, maxBytes, handler);
    }

    /** The node closes the underlying reader itself. */
    @Override
    public void close() {
    }
}
