package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.LogStore;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Transaction;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The Raft log in the segment stores {@code skiff.log.<n>} of {@link LogSegments}: key = index (8 bytes big-endian),
 * value = a {@link RecordCodec record} of kind {@link RecordKind#LOG_ENTRY} whose tag is the term and whose payload is
 * the opaque entry.
 *
 * <p>Writes join the {@link GroupCommit shared transaction} and become durable together at {@link #sync()}. The
 * bounds (compaction boundary, last entry) live in memory and, in the same transaction as the entries, in the
 * {@code log} record of {@link MetaStore}; on open every entry is checked against them.
 *
 * <p>Compaction and truncation move the bounds only, and reads, term lookups and truncation refuse indexes outside
 * them. The stored entries follow when the transaction commits: segments that hold no index within the bounds are
 * removed whole, and entries that a truncation cut off in the last segment are deleted. A partly compacted segment
 * keeps its compacted entries until a later compaction covers all of it. Removal waits for the commit because a
 * truncation is mostly followed by appends of the same indexes in the same transaction, and Xodus cannot remove a
 * store and create it again in one transaction; an append that reaches a segment where a truncation left entries
 * deletes them first, no more than the truncation cut off.
 *
 * <p>Every read verifies the record (checksum, format, index equal to its key) and fails with a
 * {@link StorageException} naming the entry rather than return bytes it cannot vouch for.
 */
final class XodusLogStore implements LogStore, TransactionParticipant {
    private final GroupCommit group;
    private final MetaStore meta;
    private final LogSegments segments;
    private final RecordCodec codec;
    private LogBounds committed;
    private long compactedIndex;
    private long compactedTerm;
    private long lastIndex;
    private long lastTerm;
    /** The highest index cut off by a truncation in the open transaction; stored entries up to it may be stale. */
    private long truncatedUpTo;
    /** The segment of the last append, which holds nothing after it; {@code null} when not known. */
    private LogSegments.Segment tail;
    private boolean dirty;

    private XodusLogStore(GroupCommit group, MetaStore meta, LogSegments segments, LogBounds bounds) {
        this.group = group;
        this.meta = meta;
        this.segments = segments;
        this.codec = new RecordCodec(group.directory());
        restore(bounds);
    }

    /**
     * Opens the log inside the opening transaction and verifies all of it: every record's checksum and index, every
     * key in the segment its index belongs to, no gap from the compaction boundary to the recorded last index, and
     * the recorded last term. Removes segments that hold nothing within the bounds.
     *
     * @param segmentShift log2 of the entries per segment ({@link LogSegments#DEFAULT_SHIFT}); the log must have been
     *                     written with the same.
     * @throws StorageException naming the first entry or store that does not check.
     */
    static XodusLogStore open(GroupCommit group, MetaStore meta, Transaction txn, int segmentShift) {
        final LogSegments segments = LogSegments.open(group.environment(), txn, group.directory(), segmentShift);
        LogBounds bounds = meta.logBounds(txn);
        if (null == bounds) {
            if (segments.count() != 0) {
                throw new StorageException("the Xodus environment " + group.directory() + " holds " + segments.count()
                    + " log segment stores (the first '" + segments.get(0).name() + "') but the log's bounds record "
                    + "is missing from '" + MetaStore.STORE + "'");
            }
            bounds = LogBounds.EMPTY;
        }
        final XodusLogStore log = new XodusLogStore(group, meta, segments, bounds);
        log.verifyAll(txn, bounds);
        segments.removeOutside(bounds.compactedIndex(), bounds.lastIndex(), txn);
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
            final long segment = segments.segmentOf(index);
            if (null == tail || tail.number() != segment) {
                tail = enter(segment, index, txn);
            }
            tail.store().putRight(txn, Keys.of(index), new ArrayByteIterable(value));
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
        final long term;
        try {
            term = index == compactedIndex ? compactedTerm : readTerm(txn, index);
        } catch (RuntimeException e) {
            throw group.fail("cannot truncate the log after " + index, e);
        }
        truncatedUpTo = Math.max(truncatedUpTo, lastIndex);
        lastIndex = index;
        lastTerm = term;
        tail = null;
        dirty = true;
    }

    @Override
    public void compactUpTo(long index, long term) {
        group.checkUsable();
        if (index <= compactedIndex) {
            return;
        }
        group.write();
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
        LogSegments.Segment segment = null;
        Cursor cursor = null;
        try {
            long index = fromIndex;
            segment = segmentHolding(index);
            cursor = segment.store().openCursor(txn);
            ByteIterable value = cursor.getSearchKey(Keys.of(index));
            int count = 0;
            long bytes = 0;
            while (true) {
                if (null == value) {
                    throw missing(index);
                }
                final ByteBuffer entry = codec.verify(value, RecordKind.LOG_ENTRY, segment.name(), index,
                    RecordCodec.ANY_TAG);
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
                if (segments.startsSegment(index)) {
                    cursor.close();
                    cursor = null;
                    segment = segmentHolding(index);
                    cursor = segment.store().openCursor(txn);
                    value = cursor.getSearchKey(Keys.of(index));
                } else {
                    value = cursor.getNext() ? cursor.getValue() : null;
                }
            }
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            if (inHandler) {
                throw e;
            }
            throw new StorageException("cannot read log entries " + fromIndex + " to " + toIndex + " from "
                + (null == segment ? "the log" : "store '" + segment.name() + "'") + " of the Xodus environment "
                + group.directory() + ": " + e, e);
        } finally {
            if (null != cursor) {
                cursor.close();
            }
            group.release(txn);
        }
    }

    @Override
    public void beforeCommit(Transaction txn) {
        if (!dirty) {
            return;
        }
        segments.removeOutside(compactedIndex, lastIndex, txn);
        if (truncatedUpTo > lastIndex && lastIndex > compactedIndex) {
            LogSegments.deleteFrom(segmentHolding(lastIndex).store(), lastIndex + 1, txn);
        }
        // The removals may have taken the tail segment's store.
        tail = null;
        meta.putLogBounds(txn, bounds());
    }

    @Override
    public void afterCommit() {
        committed = bounds();
        segments.afterCommit();
        truncatedUpTo = 0;
        dirty = false;
    }

    @Override
    public void afterAbort() {
        restore(committed);
        segments.afterAbort();
        truncatedUpTo = 0;
        tail = null;
    }

    @Override
    public String toString() {
        return "XodusLogStore{" + group.directory() + ", entries " + (compactedIndex + 1) + ".." + lastIndex
            + ", compacted " + compactedIndex + "@" + compactedTerm + ", " + segments.count() + " segments}";
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

    /** @return the segment an append at {@code index} goes to: created when missing, cleared of stale entries. */
    private LogSegments.Segment enter(long segment, long index, Transaction txn) {
        final LogSegments.Segment found = segments.find(segment);
        if (null == found) {
            return segments.create(segment, txn);
        }
        if (index <= truncatedUpTo) {
            LogSegments.deleteFrom(found.store(), index, txn);
        }
        return found;
    }

    /** @throws StorageException when the segment of {@code index} has no store. */
    private LogSegments.Segment segmentHolding(long index) {
        final LogSegments.Segment segment = segments.find(segments.segmentOf(index));
        if (null == segment) {
            throw missing(index);
        }
        return segment;
    }

    private long readTerm(Transaction txn, long index) {
        final LogSegments.Segment segment = segmentHolding(index);
        final ByteIterable value;
        try {
            value = segment.store().get(txn, Keys.of(index));
        } catch (RuntimeException e) {
            throw new StorageException("cannot read log entry " + index + " from store '" + segment.name()
                + "' of the Xodus environment " + group.directory() + ": " + e, e);
        }
        if (null == value) {
            throw missing(index);
        }
        codec.verify(value, RecordKind.LOG_ENTRY, segment.name(), index, RecordCodec.ANY_TAG);
        return codec.tag();
    }

    private void verifyAll(Transaction txn, LogBounds bounds) {
        long expected = bounds.compactedIndex() + 1;
        long term = bounds.compactedTerm();
        for (int i = 0; i < segments.count(); i++) {
            final LogSegments.Segment segment = segments.get(i);
            try (Cursor cursor = segment.store().openCursor(txn)) {
                while (cursor.getNext()) {
                    final long key = Keys.decode(cursor.getKey());
                    if (key < 0 || segments.segmentOf(key) != segment.number()) {
                        throw misplaced(segment, key, cursor.getKey().getLength());
                    }
                    if (key <= bounds.compactedIndex()) {
                        continue;
                    }
                    if (key != expected) {
                        throw new StorageException("the log of the Xodus environment " + group.directory()
                            + " is not contiguous: expected entry " + expected + ", found entry " + key
                            + " in store '" + segment.name() + "' (recorded bounds: compacted up to "
                            + bounds.compactedIndex() + ", last entry " + bounds.lastIndex() + ")");
                    }
                    if (key > bounds.lastIndex()) {
                        throw new StorageException("the log of the Xodus environment " + group.directory()
                            + " holds entry " + key + " in store '" + segment.name()
                            + "' beyond its recorded last entry " + bounds.lastIndex());
                    }
                    codec.verify(cursor.getValue(), RecordKind.LOG_ENTRY, segment.name(), key, RecordCodec.ANY_TAG);
                    term = codec.tag();
                    expected++;
                }
            }
        }
        if (expected - 1 != bounds.lastIndex()) {
            throw new StorageException("the log of the Xodus environment " + group.directory() + " ends at entry "
                + (expected - 1) + " but its bounds record last entry " + bounds.lastIndex() + ": entries " + expected
                + " to " + bounds.lastIndex() + " are missing");
        }
        if (term != bounds.lastTerm()) {
            throw new StorageException("the log of the Xodus environment " + group.directory() + ": entry "
                + bounds.lastIndex() + " has term " + term + " but the bounds record term " + bounds.lastTerm());
        }
    }

    private StorageException misplaced(LogSegments.Segment segment, long key, int keyLength) {
        final String holds = "with " + segments.size() + " entries per segment, store '" + segment.name()
            + "' holds indexes " + segments.firstIndexOf(segment.number()) + " to "
            + segments.lastIndexOf(segment.number());
        if (key < 0) {
            return new StorageException("the log segment store '" + segment.name() + "' of the Xodus environment "
                + group.directory() + " holds a key of " + keyLength + " bytes, expected an 8-byte index: " + holds);
        }
        return new StorageException("the log segment store '" + segment.name() + "' of the Xodus environment "
            + group.directory() + " holds entry " + key + ", which belongs in store '"
            + LogSegments.storeName(segments.segmentOf(key)) + "': " + holds + " (was the log written with another "
            + "segment size?)");
    }

    private StorageException missing(long index) {
        return new StorageException("log entry " + index + " is missing from store '"
            + LogSegments.storeName(segments.segmentOf(index)) + "' of the Xodus environment " + group.directory()
            + " (the log should hold entries " + (compactedIndex + 1) + " to " + lastIndex + ")");
    }
}
