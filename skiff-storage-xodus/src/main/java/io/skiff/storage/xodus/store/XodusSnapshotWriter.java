package io.skiff.storage.xodus.store;

import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.Transaction;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Writes one staged snapshot into its own Xodus store through the shared write transaction; see
 * {@link XodusSnapshotStore} for how it becomes the latest.
 */
final class XodusSnapshotWriter implements SnapshotStore.Writer {
    private final XodusSnapshotStore owner;
    private final GroupCommit group;
    private final Store store;
    private final long id;
    private final SnapshotMeta meta;
    private final RecordCodec codec;
    private long records;
    private long bytesSinceFlush;
    private int recordsSinceFlush;
    private String finished;

    XodusSnapshotWriter(XodusSnapshotStore owner, GroupCommit group, Store store, long id, SnapshotMeta meta) {
        this.owner = owner;
        this.group = group;
        this.store = store;
        this.id = id;
        this.meta = meta;
        this.codec = new RecordCodec(group.directory());
    }

    long id() {
        return id;
    }

    @Override
    public SnapshotMeta meta() {
        return meta;
    }

    @Override
    public void append(ByteBuffer record) {
        Objects.requireNonNull(record, "record");
        checkOpen();
        final byte[] value = codec.encode(RecordKind.SNAPSHOT_RECORD, records, id, record);
        final Transaction txn = group.write();
        try {
            store.putRight(txn, Keys.of(records), new ArrayByteIterable(value));
        } catch (RuntimeException e) {
            throw group.fail("cannot append record " + records + " to the staged snapshot " + meta, e);
        }
        records++;
        bytesSinceFlush += value.length;
        recordsSinceFlush++;
        if (bytesSinceFlush >= XodusSnapshotStore.FLUSH_BYTES
            || recordsSinceFlush >= XodusSnapshotStore.FLUSH_RECORDS) {
            group.commit();
            bytesSinceFlush = 0;
            recordsSinceFlush = 0;
        }
    }

    @Override
    public long records() {
        return records;
    }

    @Override
    public void commit() {
        checkOpen();
        owner.commitStaged(this);
        finished = "committed";
    }

    @Override
    public void abort() {
        if (null != finished) {
            if ("committed".equals(finished)) {
                throw new IllegalStateException("snapshot " + meta + " is committed; it can no longer be aborted");
            }
            return;
        }
        owner.abortStaged(this);
        finished = "aborted";
    }

    @Override
    public void close() {
        if (null == finished) {
            abort();
        }
    }

    /** Forgets this writer without writing anything: the storage is closing. */
    void discard() {
        finished = "discarded because the storage closed";
    }

    private void checkOpen() {
        if (null != finished) {
            throw new IllegalStateException("the writer of snapshot " + meta + " is finished: " + finished);
        }
        group.checkUsable();
    }
}
