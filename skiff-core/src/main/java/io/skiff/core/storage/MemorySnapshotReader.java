package io.skiff.core.storage;

import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;

/** Reads a committed snapshot by record position; it keeps reading the snapshot it opened if a newer one lands. */
final class MemorySnapshotReader implements SnapshotStore.Reader {
    private final MemoryStorage storage;
    private final SnapshotData snapshot;
    private final ReadBuffer readBuffer = new ReadBuffer();
    private boolean closed;

    MemorySnapshotReader(MemoryStorage storage, SnapshotData snapshot) {
        this.storage = storage;
        this.snapshot = snapshot;
    }

    @Override
    public SnapshotMeta meta() {
        return snapshot.meta();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when {@code fromRecord} is negative or {@code maxRecords} is not positive.
     * @throws IllegalStateException    when the reader or its storage is closed.
     */
    @Override
    public int read(long fromRecord, int maxRecords, int maxBytes, SnapshotStore.RecordHandler handler) {
        storage.checkOpen();
        if (closed) {
            throw new IllegalStateException("the reader of snapshot " + snapshot.meta() + " is closed");
        }
        if (fromRecord < 0 || maxRecords < 1) {
            throw new IllegalArgumentException("cannot read snapshot records from " + fromRecord + ", at most "
                + maxRecords + ": expected fromRecord >= 0 and maxRecords >= 1");
        }
        long totalBytes = 0;
        int read = 0;
        for (long position = fromRecord; position < snapshot.records() && read < maxRecords; position++) {
            final byte[] record = snapshot.record((int)position);
            totalBytes += record.length;
            if (read > 0 && totalBytes > maxBytes) {
                break;
            }
            handler.onRecord(readBuffer.copyOf(record));
            read++;
        }
        return read;
    }

    @Override
    public void close() {
        closed = true;
    }
}
