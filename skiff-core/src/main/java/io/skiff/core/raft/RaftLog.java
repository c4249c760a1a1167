package io.skiff.core.raft;

import io.skiff.StorageException;
import io.skiff.core.codec.Checksums;
import io.skiff.core.codec.EntryBatch;
import io.skiff.core.codec.EntryError;
import io.skiff.core.codec.LogEntry;
import io.skiff.spi.LogStore;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The log as the core sees it: the durable entries in a {@link LogStore}, which the core only reads, followed by
 * an unstable tail of entries not yet handed to storage. The runtime persists the tail, then calls
 * {@link #markPersisted()}.
 *
 * <p>Recent entries stay in memory after they are persisted, so that applying them, sending them to followers and
 * asking their terms never goes back to storage on the hot path: a store read costs a transaction and a checksum,
 * and the entries just written are exactly the ones read next. The cache is bounded by bytes; once it passes the
 * bound, the oldest half is dropped in one move and those entries are read from the store again if needed.
 *
 * <p>Invariants: the cache holds entries {@code cacheOffset} to {@link #lastIndex()} when it is not empty, and
 * cached entry {@code i} has index {@code cacheOffset + i}; entries from {@code unstableOffset} on are unstable,
 * with {@code cacheOffset <= unstableOffset <= lastIndex() + 1}; {@code unstableOffset} is at most one past the
 * store's last index; when a conflicting suffix must be replaced, stored entries after {@link #pendingTruncation()}
 * are stale and shadowed by the unstable tail until the runtime truncates them.
 */
public final class RaftLog {
    /** Enough for tens of thousands of small entries, the window between appending and applying under load. */
    public static final int DEFAULT_CACHE_BYTES = 8 * 1024 * 1024;

    /** Receives entries read for applying; the view is valid only during the call. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(long index, long term, int type, DirectBuffer buffer, int payloadOffset, int payloadLength);
    }

    private final LogStore store;
    private final int cacheBytes;
    private final Checksums checksums = new Checksums();
    private final ExpandableArrayBuffer data = new ExpandableArrayBuffer(64 * 1024);
    private final UnsafeBuffer readView = new UnsafeBuffer(0, 0);
    private ByteBuffer dataView = ByteBuffer.wrap(data.byteArray());
    private int[] entryOffsets = new int[256];
    private int cacheCount;
    private int dataLength;
    private long cacheOffset;
    private long unstableOffset;
    private long pendingTruncation = -1;

    private MutableDirectBuffer copyTarget;
    private int copyPosition;
    private EntryConsumer applyConsumer;

    public RaftLog(LogStore store) {
        this(store, DEFAULT_CACHE_BYTES);
    }

    /**
     * @param cacheBytes how many bytes of persisted entries to keep in memory; the unstable tail is always kept,
     *                   whatever its size.
     */
    public RaftLog(LogStore store, int cacheBytes) {
        if (cacheBytes < 0) {
            throw new IllegalArgumentException("cacheBytes must be >= 0, was " + cacheBytes);
        }
        this.store = store;
        this.cacheBytes = cacheBytes;
        this.unstableOffset = store.lastIndex() + 1;
        this.cacheOffset = unstableOffset;
    }

    public long firstIndex() {
        return store.firstIndex();
    }

    public long lastIndex() {
        return cacheCount > 0 ? cacheOffset + cacheCount - 1 : store.lastIndex();
    }

    /** @return the last index whose entry is durable and belongs to this log. */
    public long persistedIndex() {
        return unstableCount() > 0 ? unstableOffset - 1 : store.lastIndex();
    }

    public long lastTerm() {
        return term(lastIndex());
    }

    /**
     * @return the term of the entry at {@code index}, or -1 when it is not in the log (compacted or beyond the
     * end); the entry just before the first held one still answers.
     */
    public long term(long index) {
        if (index >= cacheOffset && index < cacheOffset + cacheCount
            && (index >= unstableOffset || index >= store.firstIndex() - 1)) {
            return LogEntry.term(data, entryOffsets[(int)(index - cacheOffset)]);
        }
        if (index < unstableOffset && index >= store.firstIndex() - 1 && index <= store.lastIndex()) {
            return store.term(index);
        }
        return -1;
    }

    public boolean matchTerm(long index, long term) {
        return term(index) == term;
    }

    /**
     * Whether a candidate's log is at least as up to date as this one (§3.6.1): a later last term wins, and with
     * equal last terms the longer log.
     */
    public boolean isUpToDate(long lastIndex, long lastTerm) {
        final long myLastTerm = lastTerm();
        return lastTerm > myLastTerm || (lastTerm == myLastTerm && lastIndex >= lastIndex());
    }

    /**
     * Appends a new entry created by this node as leader.
     *
     * @return the entry's index.
     */
    public long append(long term, int type, DirectBuffer payload, int payloadOffset, int payloadLength) {
        final long index = lastIndex() + 1;
        startCacheAt(index);
        final int offset = dataLength;
        data.putBytes(offset + LogEntry.HEADER_LENGTH, payload, payloadOffset, payloadLength);
        final int length = LogEntry.seal(data, offset, index, term, type, payloadLength, checksums);
        addEntry(offset, length);
        return index;
    }

    /**
     * Merges entries received from the leader after their previous entry matched (§3.5): entries already present
     * with the same term are kept, the first conflicting one and everything after it are replaced. Entries are
     * never truncated when they match, so a duplicated or reordered AppendEntries cannot drop what a later one
     * appended.
     *
     * @param entries   validated entries, contiguous from {@code entries.firstIndex()}.
     * @param committed this node's commit index; truncating at or below it would be a safety violation.
     * @return the index of the first entry appended, or -1 when every entry was already present.
     * @throws IllegalStateException when a committed entry conflicts.
     */
    public long appendFromLeader(EntryBatch entries, long committed) {
        final long firstHeld = store.firstIndex();
        entries.rewind();
        while (entries.hasEntry()) {
            final long index = entries.entryIndex();
            if (index >= firstHeld && term(index) != entries.entryTerm()) {
                break;
            }
            entries.next();
        }
        if (!entries.hasEntry()) {
            return -1;
        }
        final long conflict = entries.entryIndex();
        if (conflict <= lastIndex()) {
            if (conflict <= committed) {
                throw new IllegalStateException("entry " + conflict + " conflicts with the leader but is committed ("
                    + committed + ")");
            }
            truncateFrom(conflict);
        }
        startCacheAt(conflict);
        while (entries.hasEntry()) {
            final int offset = dataLength;
            final int length = entries.entryLength();
            data.putBytes(offset, entries.buffer(), entries.entryOffset(), length);
            addEntry(offset, length);
            entries.next();
        }
        return conflict;
    }

    private void startCacheAt(long index) {
        if (cacheCount == 0) {
            cacheOffset = index;
            unstableOffset = index;
            dataLength = 0;
        }
    }

    private void truncateFrom(long index) {
        if (index < unstableOffset) {
            pendingTruncation = pendingTruncation < 0 ? index - 1 : Math.min(pendingTruncation, index - 1);
            unstableOffset = index;
        }
        if (index > cacheOffset) {
            cacheCount = (int)(index - cacheOffset);
            dataLength = entryOffsets[cacheCount];
        } else {
            cacheCount = 0;
            dataLength = 0;
            cacheOffset = index;
        }
    }

    private void addEntry(int offset, int length) {
        if (cacheCount == entryOffsets.length) {
            entryOffsets = Arrays.copyOf(entryOffsets, cacheCount * 2);
        }
        entryOffsets[cacheCount++] = offset;
        dataLength = offset + length;
    }

    /** @return stored entries after this index must be removed before the unstable tail is written, or -1. */
    public long pendingTruncation() {
        return pendingTruncation;
    }

    public int unstableCount() {
        return (int)(cacheOffset + cacheCount - unstableOffset);
    }

    public long unstableOffset() {
        return unstableOffset;
    }

    /**
     * @param i position in the unstable tail.
     * @return the entry as a byte buffer view (reused: valid until the next call).
     */
    public ByteBuffer unstableEntry(int i) {
        if (dataView.array() != data.byteArray()) {
            dataView = ByteBuffer.wrap(data.byteArray());
        }
        final int slot = (int)(unstableOffset - cacheOffset) + i;
        dataView.limit(dataView.capacity()).position(entryOffsets[slot]).limit(entryEnd(slot));
        return dataView;
    }

    public long unstableTerm(int i) {
        return LogEntry.term(data, entryOffsets[(int)(unstableOffset - cacheOffset) + i]);
    }

    private int entryEnd(int slot) {
        return slot + 1 < cacheCount ? entryOffsets[slot + 1] : dataLength;
    }

    /**
     * Called once a snapshot replaced the log's prefix in the store (and possibly all of it): the unstable tail is
     * dropped (it was not acknowledged; the leader sends it again) and the log continues after the store's end.
     */
    public void resetAfterSnapshot() {
        cacheCount = 0;
        dataLength = 0;
        pendingTruncation = -1;
        unstableOffset = store.lastIndex() + 1;
        cacheOffset = unstableOffset;
    }

    /** Called by the runtime once the unstable tail (and any truncation) is durable in the store. */
    public void markPersisted() {
        unstableOffset = cacheOffset + cacheCount;
        pendingTruncation = -1;
        if (dataLength > cacheBytes) {
            evictOldest();
        }
    }

    /**
     * Keeps the newest entries that fit in half the bound, so that the copy this costs happens once per half a
     * cache of appends rather than on every batch.
     */
    private void evictOldest() {
        int first = 0;
        while (first < cacheCount && dataLength - entryOffsets[first] > cacheBytes / 2) {
            first++;
        }
        final int from = first < cacheCount ? entryOffsets[first] : dataLength;
        final byte[] bytes = data.byteArray();
        System.arraycopy(bytes, from, bytes, 0, dataLength - from);
        for (int i = first; i < cacheCount; i++) {
            entryOffsets[i - first] = entryOffsets[i] - from;
        }
        cacheCount -= first;
        cacheOffset += first;
        dataLength -= from;
    }

    /**
     * Copies whole entries from {@code fromIndex} into a frame: at most {@code maxCount}, stopping before the
     * entry that would exceed {@code maxBytes}, but always at least one.
     *
     * @return the number of entries copied; {@link #copiedBytes()} tells their length.
     */
    public int copyEntries(long fromIndex, int maxCount, int maxBytes, MutableDirectBuffer target, int offset) {
        final long last = Math.min(lastIndex(), fromIndex + maxCount - 1);
        int count = 0;
        copyTarget = target;
        copyPosition = offset;
        long index = fromIndex;
        if (index < cacheOffset) {
            final long storedLast = Math.min(last, cacheOffset - 1);
            count = store.read(index, storedLast, maxBytes, this::copyStored);
            index += count;
            if (count < storedLast - fromIndex + 1) {
                copyTarget = null;
                return count;
            }
        }
        while (index <= last) {
            final int slot = (int)(index - cacheOffset);
            final int start = entryOffsets[slot];
            final int length = entryEnd(slot) - start;
            if (count > 0 && copyPosition - offset + length > maxBytes) {
                break;
            }
            target.putBytes(copyPosition, data, start, length);
            copyPosition += length;
            count++;
            index++;
        }
        copyTarget = null;
        return count;
    }

    /** @return the bytes written by the last {@link #copyEntries}. */
    public int copiedBytes(int offset) {
        return copyPosition - offset;
    }

    private void copyStored(long index, long term, ByteBuffer entry) {
        final int length = entry.remaining();
        readView.wrap(entry, entry.position(), length);
        verify(index, readView, 0, length);
        copyTarget.putBytes(copyPosition, readView, 0, length);
        copyPosition += length;
    }

    /**
     * Reads entries for applying, verifying each checksum.
     *
     * @throws StorageException when a stored entry is corrupt.
     */
    public void forEach(long fromIndex, long toIndex, EntryConsumer consumer) {
        long index = fromIndex;
        if (index < cacheOffset) {
            applyConsumer = consumer;
            final long storedLast = Math.min(toIndex, cacheOffset - 1);
            while (index <= storedLast) {
                index += store.read(index, storedLast, 1 << 20, this::applyStored);
            }
            applyConsumer = null;
        }
        for (; index <= toIndex; index++) {
            final int offset = entryOffsets[(int)(index - cacheOffset)];
            deliver(index, data, offset, consumer);
        }
    }

    private void applyStored(long index, long term, ByteBuffer entry) {
        readView.wrap(entry, entry.position(), entry.remaining());
        verify(index, readView, 0, entry.remaining());
        deliver(index, readView, 0, applyConsumer);
    }

    private static void deliver(long index, DirectBuffer buffer, int offset, EntryConsumer consumer) {
        consumer.accept(index, LogEntry.term(buffer, offset), LogEntry.type(buffer, offset), buffer,
            offset + LogEntry.HEADER_LENGTH, LogEntry.payloadLength(buffer, offset));
    }

    private void verify(long index, DirectBuffer buffer, int offset, int length) {
        final int result = LogEntry.validate(buffer, offset, length, index, checksums);
        if (result != length) {
            throw new StorageException("log entry " + index + " read from storage is corrupt: "
                + (result < 0 ? EntryError.describe(result) : "stored length " + length + ", entry length " + result));
        }
    }

    /**
     * Finds where a follower's log may match (§5.3 optimisation as in etcd's findConflictByTerm): the largest index
     * at most {@code index} whose term is at most {@code term}.
     *
     * @return that index; the first index before the held entries when none qualifies; or {@code index} itself
     * when it lies before the held entries, so that a leader falls back to sending a snapshot.
     */
    public long findConflictByTerm(long index, long term) {
        final long floor = store.firstIndex() - 1;
        if (index < floor) {
            return index;
        }
        long i = Math.min(index, lastIndex());
        while (i > floor) {
            final long t = term(i);
            if (t >= 0 && t <= term) {
                return i;
            }
            i--;
        }
        return Math.max(floor, 0);
    }
}
