package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.Transaction;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads one committed snapshot by record position in its own read-only Xodus transaction, which keeps the snapshot
 * readable even after a newer one replaces it. Not thread-safe, but independent of the node's loop.
 */
final class XodusSnapshotReader implements SnapshotStore.Reader {
    private final XodusSnapshotStore owner;
    private final Transaction txn;
    private final Store store;
    private final SnapshotPointer pointer;
    private final RecordCodec codec;
    private final Path directory;
    private volatile boolean closed;

    XodusSnapshotReader(XodusSnapshotStore owner, Transaction txn, Store store, SnapshotPointer pointer,
        Path directory) {
        this.owner = owner;
        this.txn = txn;
        this.store = store;
        this.pointer = pointer;
        this.codec = new RecordCodec(directory);
        this.directory = directory;
    }

    @Override
    public SnapshotMeta meta() {
        return pointer.meta();
    }

    @Override
    public int read(long fromRecord, int maxRecords, int maxBytes, SnapshotStore.RecordHandler handler) {
        Objects.requireNonNull(handler, "handler");
        if (closed) {
            throw new IllegalStateException("the reader of snapshot " + pointer.meta() + " is closed");
        }
        if (fromRecord < 0 || maxRecords < 1) {
            throw new IllegalArgumentException("read(" + fromRecord + ", " + maxRecords + "): expected fromRecord >= 0 "
                + "and maxRecords >= 1");
        }
        final long records = pointer.meta().records();
        if (fromRecord >= records) {
            return 0;
        }
        final long toRecord = Math.min(records - 1, fromRecord + maxRecords - 1);
        final String name = pointer.storeName();
        boolean inHandler = false;
        try (Cursor cursor = store.openCursor(txn)) {
            ByteIterable value = cursor.getSearchKey(Keys.of(fromRecord));
            long position = fromRecord;
            int count = 0;
            long bytes = 0;
            while (true) {
                if (null == value) {
                    throw new StorageException("snapshot record " + position + " is missing from store '" + name
                        + "' of the Xodus environment " + directory + " (the snapshot holds " + records + " records)");
                }
                final ByteBuffer record = codec.verify(value, RecordKind.SNAPSHOT_RECORD, name, position, pointer.id());
                bytes += record.remaining();
                if (count > 0 && bytes > maxBytes) {
                    return count;
                }
                inHandler = true;
                handler.onRecord(record);
                inHandler = false;
                count++;
                if (position == toRecord) {
                    return count;
                }
                position++;
                value = cursor.getNext() ? cursor.getValue() : null;
            }
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            if (inHandler) {
                throw e;
            }
            throw new StorageException("cannot read snapshot records from " + fromRecord + " in store '" + name
                + "' of the Xodus environment " + directory + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            txn.abort();
        } finally {
            owner.readerClosed(this);
        }
    }
}
