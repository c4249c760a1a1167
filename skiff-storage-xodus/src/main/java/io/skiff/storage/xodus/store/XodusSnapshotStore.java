package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Snapshots, one Xodus store per snapshot: {@code skiff.snapshot.<id>}, key = record number (8 bytes big-endian),
 * value = a {@link RecordCodec record} of kind {@link RecordKind#SNAPSHOT_RECORD} tagged with the snapshot's id.
 *
 * <p>A new snapshot is staged in a new store, named in the {@code snapshot.staging} record of {@link MetaStore} so
 * that a crash leaves nothing unaccounted for. {@link SnapshotStore.Writer#commit()} is one Xodus transaction that
 * writes the {@code snapshot} pointer (id and metadata), deletes the staging record and removes the previous
 * snapshot's store: after a crash either the old snapshot or the new one is the latest, never a mixture. (Xodus has
 * no store rename; switching a pointer and removing a store in one transaction is its atomic equivalent.) Staged
 * records are committed every {@value #FLUSH_BYTES} bytes or {@value #FLUSH_RECORDS} records so that a large
 * snapshot never sits whole in a transaction's memory; they stay invisible until the pointer names their store.
 *
 * <p>A {@link SnapshotStore.Reader} reads in its own read-only transaction, a consistent view that a later commit
 * does not disturb, so it may be used from another thread than the node's loop; it reads records by position with
 * a cursor and never loads the snapshot whole.
 */
final class XodusSnapshotStore implements SnapshotStore {
    static final long FLUSH_BYTES = 4L * 1024 * 1024;
    static final int FLUSH_RECORDS = 65_536;

    private final GroupCommit group;
    private final MetaStore meta;
    private final Set<XodusSnapshotReader> readers = ConcurrentHashMap.newKeySet();
    private SnapshotPointer latest;
    private XodusSnapshotWriter staging;
    private long nextId;

    private XodusSnapshotStore(GroupCommit group, MetaStore meta, SnapshotPointer latest, long nextId) {
        this.group = group;
        this.meta = meta;
        this.latest = latest;
        this.nextId = nextId;
    }

    /**
     * Opens inside the opening transaction: verifies the latest snapshot's store (present, record count, first and
     * last record) and removes what a crash left staged.
     *
     * @throws StorageException when the latest snapshot does not check.
     */
    static XodusSnapshotStore open(GroupCommit group, MetaStore meta, Transaction txn) {
        final Environment env = group.environment();
        final SnapshotPointer latest = meta.snapshot(txn);
        long maxId = -1;
        if (null != latest) {
            verify(group, latest, txn);
            maxId = latest.id();
        }
        final long staged = meta.staging(txn);
        if (staged >= 0) {
            meta.deleteStaging(txn);
            maxId = Math.max(maxId, staged);
        }
        for (String name : new ArrayList<>(env.getAllStoreNames(txn))) {
            if (name.startsWith(SnapshotPointer.STORE_PREFIX) && (null == latest || !name.equals(latest.storeName()))) {
                env.removeStore(name, txn);
                maxId = Math.max(maxId, parseId(name));
            }
        }
        return new XodusSnapshotStore(group, meta, latest, maxId + 1);
    }

    @Override
    public Optional<SnapshotMeta> latest() {
        group.checkUsable();
        return null == latest ? Optional.empty() : Optional.of(latest.meta());
    }

    @Override
    public Writer create(SnapshotMeta snapshot) {
        Objects.requireNonNull(snapshot, "snapshot");
        group.checkUsable();
        if (null != staging) {
            staging.abort();
        }
        final long id = nextId++;
        final Transaction txn = group.write();
        final Store store;
        try {
            store = group.environment().openStore(SnapshotPointer.storeName(id), StoreConfig.WITHOUT_DUPLICATES, txn);
            meta.putStaging(txn, id);
        } catch (RuntimeException e) {
            throw group.fail("cannot stage snapshot " + snapshot, e);
        }
        // Committed at once: Xodus 2.0.1 ignores removeStore for a store created in the same transaction, so an
        // abort before the first staging flush would otherwise leave the store behind.
        group.commit();
        staging = new XodusSnapshotWriter(this, group, store, id, snapshot);
        return staging;
    }

    @Override
    public Optional<Reader> open() {
        group.checkUsable();
        if (null == latest) {
            return Optional.empty();
        }
        final Transaction txn = group.environment().beginReadonlyTransaction();
        try {
            final Store store = group.environment().openStore(latest.storeName(), StoreConfig.USE_EXISTING, txn);
            final XodusSnapshotReader reader = new XodusSnapshotReader(this, txn, store, latest, group.directory());
            readers.add(reader);
            return Optional.of(reader);
        } catch (RuntimeException e) {
            txn.abort();
            throw new StorageException("cannot open snapshot " + latest.meta() + " in store '" + latest.storeName()
                + "' of the Xodus environment " + group.directory() + ": " + e, e);
        }
    }

    /** Makes a staged snapshot the latest and removes the previous one, in one durable transaction. */
    void commitStaged(XodusSnapshotWriter writer) {
        final SnapshotPointer next = new SnapshotPointer(writer.id(), writer.meta().withRecords(writer.records()));
        final Transaction txn = group.write();
        try {
            meta.putSnapshot(txn, next);
            meta.deleteStaging(txn);
            if (null != latest) {
                group.environment().removeStore(latest.storeName(), txn);
            }
        } catch (RuntimeException e) {
            throw group.fail("cannot commit snapshot " + next.meta(), e);
        }
        group.commit();
        latest = next;
        staging = null;
    }

    /** Removes a staged snapshot's records and its staging record. */
    void abortStaged(XodusSnapshotWriter writer) {
        final Transaction txn = group.write();
        try {
            group.environment().removeStore(SnapshotPointer.storeName(writer.id()), txn);
            meta.deleteStaging(txn);
        } catch (RuntimeException e) {
            throw group.fail("cannot discard the staged snapshot " + writer.meta(), e);
        }
        group.commit();
        staging = null;
    }

    void readerClosed(XodusSnapshotReader reader) {
        readers.remove(reader);
    }

    /** Ends open readers' transactions and forgets the staged snapshot (its store is removed on the next open). */
    void close() {
        for (XodusSnapshotReader reader : new ArrayList<>(readers)) {
            reader.close();
        }
        if (null != staging) {
            staging.discard();
            staging = null;
        }
    }

    private static void verify(GroupCommit group, SnapshotPointer latest, Transaction txn) {
        final Environment env = group.environment();
        final String name = latest.storeName();
        if (!env.storeExists(name, txn)) {
            throw new StorageException("the latest snapshot " + latest.meta() + " of the Xodus environment "
                + group.directory() + " is recorded in store '" + name + "', which does not exist");
        }
        final Store store = env.openStore(name, StoreConfig.USE_EXISTING, txn);
        final long records = latest.meta().records();
        final long count = store.count(txn);
        if (count != records) {
            throw new StorageException("the latest snapshot " + latest.meta() + " in store '" + name
                + "' of the Xodus environment " + group.directory() + " holds " + count + " records, expected "
                + records);
        }
        if (records > 0) {
            final RecordCodec codec = new RecordCodec(group.directory());
            try (Cursor cursor = store.openCursor(txn)) {
                cursor.getNext();
                verifyCurrent(codec, cursor, name, 0, latest.id());
                cursor.getLast();
                verifyCurrent(codec, cursor, name, records - 1, latest.id());
            }
        }
    }

    private static void verifyCurrent(RecordCodec codec, Cursor cursor, String store, long expected, long id) {
        final long key = Keys.decode(cursor.getKey());
        if (key != expected) {
            throw codec.corrupt(RecordKind.SNAPSHOT_RECORD, store, expected, "found "
                + (key < 0 ? "a key of " + cursor.getKey().getLength() + " bytes" : "record " + key)
                + " where record " + expected + " should be");
        }
        final ByteIterable value = cursor.getValue();
        codec.verify(value, RecordKind.SNAPSHOT_RECORD, store, expected, id);
    }

    private static long parseId(String name) {
        try {
            return Long.parseLong(name.substring(SnapshotPointer.STORE_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
