package io.skiff.core.storage;

import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Stages one snapshot's records on the heap until it is committed.
 *
 * <p>Once committed, aborted, or discarded (by a later {@link SnapshotStore#create} or by closing the storage),
 * appending or committing fails with {@link IllegalStateException}: writing into a finished snapshot is a bug in
 * the caller, and committing a discarded one would resurrect data the store already let go of.
 */
final class MemorySnapshotWriter implements SnapshotStore.Writer {
    private enum Status { STAGING, COMMITTED, ABORTED, DISCARDED }

    private final MemorySnapshotStore store;
    private final SnapshotMeta meta;
    private final List<byte[]> records = new ArrayList<>();
    private Status status = Status.STAGING;

    MemorySnapshotWriter(MemorySnapshotStore store, SnapshotMeta meta) {
        this.store = store;
        this.meta = meta;
    }

    @Override
    public SnapshotMeta meta() {
        return meta;
    }

    @Override
    public void append(ByteBuffer record) {
        checkStaging("append to");
        final byte[] bytes = new byte[record.remaining()];
        record.get(record.position(), bytes);
        records.add(bytes);
    }

    @Override
    public long records() {
        return records.size();
    }

    @Override
    public void commit() {
        checkStaging("commit");
        status = Status.COMMITTED;
        store.commit(this, new SnapshotData(meta, records));
    }

    @Override
    public void abort() {
        if (Status.STAGING == status) {
            status = Status.ABORTED;
            records.clear();
            store.finished(this);
        }
    }

    @Override
    public void close() {
        abort();
    }

    void discard() {
        if (Status.STAGING == status) {
            status = Status.DISCARDED;
            records.clear();
        }
    }

    private void checkStaging(String action) {
        store.checkOpen();
        if (Status.STAGING != status) {
            throw new IllegalStateException("cannot " + action + " the snapshot at index " + meta.index()
                + ": expected a staging snapshot, actual " + status.name().toLowerCase(Locale.ROOT)
                + (Status.DISCARDED == status ? " (a later create or closing the storage discarded it)" : ""));
        }
    }
}
