package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.LogStore;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Raft log in the Xodus store {@code skiff.log}: key = index (8 bytes big-endian), value = a
 * {@link RecordCodec record} of kind {@link RecordKind#LOG_ENTRY} whose tag is the term and whose payload is the
 * opaque entry.
 *
 * <p>Writes join the {@link GroupCommit shared transaction} and become durable together at {@link #sync()}. The
 * bounds (compaction boundary, last entry) live in memory and, in the same transaction as the entries, in the
 * {@code log} record of {@link MetaStore}; on open every entry is checked against them.
 *
 * <p>Every read verifies the record (checksum, format, index equal to its key) and fails with a
 * {@link StorageException} naming the entry rather than return bytes it cannot vouch for.
 */
final class XodusLogStore implements LogStore, TransactionParticipant {
    static final String STORE = "skiff.log";

    private final GroupCommit group;
    private final MetaStore meta;
    private final Store store;
    private final RecordCodec codec;
    private LogBounds committed;
    private long compactedIndex;
    private long compactedTerm;
    private long lastIndex;
    private long lastTerm;
    private boolean dirty;

    private XodusLogStore(GroupCommit group, MetaStore meta, Store store, LogBounds bounds) {
        this.group = group;
        this.meta = meta;
        this.store = store;
        this.codec = new RecordCodec(group.directory());
        restore(bounds);
    }

    /**
     * Opens the log inside the opening transaction and verifies all of it: every record's checksum and index, no
     * gap from the compaction boundary to the recorded last index, and the recorded last term.
     *
     * @throws StorageException naming the first entry that does not check.
     */
    static XodusLogStore open(GroupCommit group, MetaStore meta, Transaction txn) {
        final Environment env = group.environment();
        final Store store = env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn);
        LogBounds bounds = meta.logBounds(txn);
        if (null == bounds) {
            if (store.count(txn) != 0) {
                throw new StorageException("the store '" + STORE + "' of the Xodus environment " + group.directory()
                    + " holds " + store.count(txn) + " entries but its bounds record is missing from '"
                    + MetaStore.STORE + "'");
            }
            bounds = LogBounds.EMPTY;
        }
        final XodusLogStore log = new XodusLogStore(group, meta, store, bounds);
        log.verifyAll(txn, bounds);
        group.register(log);
        return log;
    }

    @Override
    public long firstIndex() {
        group.checkUsable();
        return compactedIndex + 1;
    }

    @Override
    public long lastIndex() {
        group.checkUsable();
        return lastIndex;
    }

    @Override
    public long term(long index) {
        group.checkUsable();
        if (index == compactedIndex) {
            return compactedTerm;
        }
        if (index < compactedIndex || index > lastIndex) {
            throw new StorageException("term(" + index + "): the log answers for indexes " + compactedIndex + " to "
                + lastIndex + " only");
        }
        if (index == lastIndex) {
            return lastTerm;
        }
        final Transaction txn = group.read();
        try {
            return readTerm(txn, index);
        } finally {
            group.release(txn);
        }
    }

    @Override
    public void append(long index, long term, ByteBuffer entry) {
        Objects.requireNonNull(entry, "entry");
        group.checkUsable();
        if (index != lastIndex + 1) {
            throw new StorageException("append at index " + index + " refused: the next index is " + (lastIndex + 1)
                + " (last index " + lastIndex + ")");
        }
        if (term < 0) {
            throw new StorageException("append at index " + index + " refused: term " + term + " is negative");
        }
        final byte[] value = codec.encode(RecordKind.LOG_ENTRY, index, term, entry);
        final Transaction txn = group.write();
        try {
            store.putRight(txn, Keys.of(index), new ArrayByteIterable(value));
        } catch (RuntimeException e) {
            throw group.fail("cannot append log entry " + index, e);
        }
        lastIndex = index;
        lastTerm = term;
        dirty = true;
    }

    @Override
    public void truncateAfter(long index) {
        group.checkUsable();
        if (index >= lastIndex) {
            return;
        }
        if (index < compactedIndex) {
            throw new StorageException("truncateAfter(" + index + ") refused: entries up to " + compactedIndex
                + " are compacted, so the lowest index that can be kept is " + compactedIndex);
        }
        final Transaction txn = group.write();
        try {
            for (long i = lastIndex; i > index; i--) {
                store.delete(txn, Keys.of(i));
            }
            lastTerm = index == compactedIndex ? compactedTerm : readTerm(txn, index);
        } catch (RuntimeException e) {
            throw group.fail("cannot truncate the log after " + index, e);
        }
        lastIndex = index;
        dirty = true;
    }

    @Override
    public void compactUpTo(long index, long term) {
        group.checkUsable();
        if (index <= compactedIndex) {
            return;
        }
        final Transaction txn = group.write();
        try {
            final long upTo = Math.min(index, lastIndex);
            for (long i = compactedIndex + 1; i <= upTo; i++) {
                store.delete(txn, Keys.of(i));
            }
        } catch (RuntimeException e) {
            throw group.fail("cannot compact the log up to " + index, e);
        }
        if (index >= lastIndex) {
            lastIndex = index;
            lastTerm = term;
        }
        compactedIndex = index;
        compactedTerm = term;
        dirty = true;
    }

    @Override
    public void sync() {
        group.commit();
    }

    @Override
    public int read(long fromIndex, long toIndex, int maxBytes, EntryHandler handler) {
        Objects.requireNonNull(handler, "handler");
        group.checkUsable();
        if (fromIndex <= compactedIndex || toIndex > lastIndex || fromIndex > toIndex) {
            throw new StorageException("read(" + fromIndex + ", " + toIndex + "): expected fromIndex <= toIndex "
                + "within the entries the log holds, " + (compactedIndex + 1) + " to " + lastIndex);
        }
        final Transaction txn = group.read();
        boolean inHandler = false;
        try (Cursor cursor = store.openCursor(txn)) {
            ByteIterable value = cursor.getSearchKey(Keys.of(fromIndex));
            long index = fromIndex;
            int count = 0;
            long bytes = 0;
            while (true) {
                if (null == value) {
                    throw missing(index);
                }
                final ByteBuffer entry = codec.verify(value, RecordKind.LOG_ENTRY, STORE, index, RecordCodec.ANY_TAG);
                bytes += entry.remaining();
                if (count > 0 && bytes > maxBytes) {
                    return count;
                }
                inHandler = true;
                handler.onEntry(index, codec.tag(), entry);
                inHandler = false;
                count++;
                if (index == toIndex) {
                    return count;
                }
                index++;
                value = cursor.getNext() ? cursor.getValue() : null;
            }
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            if (inHandler) {
                throw e;
            }
            throw new StorageException("cannot read log entries " + fromIndex + " to " + toIndex + " from store '"
                + STORE + "' of the Xodus environment " + group.directory() + ": " + e, e);
        } finally {
            group.release(txn);
        }
    }

    @Override
    public void beforeCommit(Transaction txn) {
        if (dirty) {
            meta.putLogBounds(txn, bounds());
        }
    }

    @Override
    public void afterCommit() {
        committed = bounds();
        dirty = false;
    }

    @Override
    public void afterAbort() {
        restore(committed);
    }

    @Override
    public String toString() {
        return "XodusLogStore{" + group.directory() + ", entries " + (compactedIndex + 1) + ".." + lastIndex
            + ", compacted " + compactedIndex + "@" + compactedTerm + "}";
    }

    private LogBounds bounds() {
        return new LogBounds(compactedIndex, compactedTerm, lastIndex, lastTerm);
    }

    private void restore(LogBounds bounds) {
        committed = bounds;
        compactedIndex = bounds.compactedIndex();
        compactedTerm = bounds.compactedTerm();
        lastIndex = bounds.lastIndex();
        lastTerm = bounds.lastTerm();
        dirty = false;
    }

    private long readTerm(Transaction txn, long index) {
        final ByteIterable value;
        try {
            value = store.get(txn, Keys.of(index));
        } catch (RuntimeException e) {
            throw new StorageException("cannot read log entry " + index + " from store '" + STORE
                + "' of the Xodus environment " + group.directory() + ": " + e, e);
        }
        if (null == value) {
            throw missing(index);
        }
        codec.verify(value, RecordKind.LOG_ENTRY, STORE, index, RecordCodec.ANY_TAG);
        return codec.tag();
    }

    private void verifyAll(Transaction txn, LogBounds bounds) {
        long expected = bounds.compactedIndex() + 1;
        long term = bounds.compactedTerm();
        try (Cursor cursor = store.openCursor(txn)) {
            while (cursor.getNext()) {
                final long key = Keys.decode(cursor.getKey());
                if (key != expected) {
                    throw new StorageException("the log in store '" + STORE + "' of the Xodus environment "
                        + group.directory() + " is not contiguous: expected entry " + expected + ", found "
                        + (key < 0 ? "a key of " + cursor.getKey().getLength() + " bytes" : "entry " + key)
                        + " (recorded bounds: compacted up to " + bounds.compactedIndex() + ", last entry "
                        + bounds.lastIndex() + ")");
                }
                if (key > bounds.lastIndex()) {
                    throw new StorageException("the log in store '" + STORE + "' of the Xodus environment "
                        + group.directory() + " holds entry " + key + " beyond its recorded last entry "
                        + bounds.lastIndex());
                }
                codec.verify(cursor.getValue(), RecordKind.LOG_ENTRY, STORE, key, RecordCodec.ANY_TAG);
                term = codec.tag();
                expected++;
            }
        }
        if (expected - 1 != bounds.lastIndex()) {
            throw new StorageException("the log in store '" + STORE + "' of the Xodus environment "
                + group.directory() + " ends at entry " + (expected - 1) + " but its bounds record last entry "
                + bounds.lastIndex() + ": entries " + expected + " to " + bounds.lastIndex() + " are missing");
        }
        if (term != bounds.lastTerm()) {
            throw new StorageException("the log in store '" + STORE + "' of the Xodus environment "
                + group.directory() + ": entry " + bounds.lastIndex() + " has term " + term
                + " but the bounds record term " + bounds.lastTerm());
        }
    }

    private StorageException missing(long index) {
        return new StorageException("log entry " + index + " is missing from store '" + STORE
            + "' of the Xodus environment " + group.directory() + " (the log should hold entries "
            + (compactedIndex + 1) + " to " + lastIndex + ")");
    }
}
