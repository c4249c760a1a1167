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
 * <p>Invariants: unstable entry {@code i} has index {@code unstableOffset + i}; {@code unstableOffset} is at most
 * one past the store's last index; when a conflicting suffix must be replaced, stored entries after
 * {@link #pendingTruncation()} are stale and shadowed by the unstable tail until the runtime truncates them.
 */
public final class RaftLog {
    /** Receives entries read for applying; the view is valid only during the call. */
    @FunctionalInterface
    public interface EntryConsumer {
        void accept(long index, long term, int type, DirectBuffer buffer, int payloadOffset, int payloadLength);
    }

    private final LogStore store;
    private final Checksums checksums = new Checksums();
    private final ExpandableArrayBuffer data = new ExpandableArrayBuffer(64 * 1024);
    private final UnsafeBuffer readView = new UnsafeBuffer(0, 0);
    private ByteBuffer dataView = ByteBuffer.wrap(data.byteArray());
    private int[] entryOffsets = new int[256];
    private int unstableCount;
    private int dataLength;
    private long unstableOffset;
    private long pendingTruncation = -1;

    private MutableDirectBuffer copyTarget;
    private int copyPosition;
    private EntryConsumer applyConsumer;

    public RaftLog(LogStore store) {
        this.store = store;
        this.unstableOffset = store.lastIndex() + 1;
    }

    public long firstIndex() {
        return store.firstIndex();
    }

    public long lastIndex() {
        return unstableCount > 0 ? unstableOffset + unstableCount - 1 : store.lastIndex();
    }

    /** @return the last index whose entry is durable and belongs to this log. */
    public long persistedIndex() {
        return unstableCount > 0 ? unstableOffset - 1 : store.lastIndex();
    }

    public long lastTerm() {
        return term(lastIndex());
    }

    /**
     * @return the term of the entry at {@code index}, or -1 when it is not in the log (compacted or beyond the
     * end); the entry just before the first held one still answers.
     */
    public long term(long index) {
        if (index >= unstableOffset && index < unstableOffset + unstableCount) {
            return LogEntry.term(data, entryOffsets[(int)(index - unstableOffset)]);
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
        if (unstableCount == 0) {
            unstableOffset = index;
        }
        final int offset = dataLength;
        data.putBytes(offset + LogEntry.HEADER_LENGTH, payload, payloadOffset, payloadLength);
        final int length = LogEntry.seal(data, offset, index, term, type, payloadLength, checksums);
        addUnstable(offset, length);
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
        if (unstableCount == 0) {
            unstableOffset = conflict;
        }
        while (entries.hasEntry()) {
            final int offset = dataLength;
            final int length = entries.entryLength();
            data.putBytes(offset, entries.buffer(), entries.entryOffset(), length);
            addUnstable(offset, length);
            entries.next();
        }
        return conflict;
    }

    private void truncateFrom(long index) {
        if (index >= unstableOffset) {
            final int keep = (int)(index - unstableOffset);
            dataLength = keep == 0 ? 0 : entryOffsets[keep];
            unstableCount = keep;
        } else {
            pendingTruncation = pendingTruncation < 0 ? index - 1 : Math.min(pendingTruncation, index - 1);
            unstableCount = 0;
            dataLength = 0;
            unstableOffset = index;
        }
    }

    private void addUnstable(int offset, int length) {
        if (unstableCount == entryOffsets.length) {
            entryOffsets = Arrays.copyOf(entryOffsets, unstableCount * 2);
        }
        entryOffsets[unstableCount++] = offset;
        dataLength = offset + length;
    }

    /** @return stored entries after this index must be removed before the unstable tail is written, or -1. */
    public long pendingTruncation() {
        return pendingTruncation;
    }

    public int unstableCount() {
        return unstableCount;
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
        final int offset = entryOffsets[i];
        final int end = i + 1 < unstableCount ? entryOffsets[i + 1] : dataLength;
        dataView.limit(dataView.capacity()).position(offset).limit(end);
        return dataView;
    }

    public long unstableTerm(int i) {
        return LogEntry.term(data, entryOffsets[i]);
    }

    /**
     * Called once a snapshot replaced the log's prefix in the store (and possibly all of it): the unstable tail is
     * dropped (it was not acknowledged; the leader sends it again) and the log continues after the store's end.
     */
    public void resetAfterSnapshot() {
        unstableCount = 0;
        dataLength = 0;
        pendingTruncation = -1;
        unstableOffset = store.lastIndex() + 1;
    }

    /** Called by the runtime once the unstable tail (and any truncation) is durable in the store. */
    public void markPersisted() {
        unstableOffset += unstableCount;
        unstableCount = 0;
        dataLength = 0;
        pendingTruncation = -1;
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
        if (index < unstableOffset) {
            final long storedLast = Math.min(last, unstableOffset - 1);
            count = store.read(index, storedLast, maxBytes, this::copyStored);
            index += count;
            if (count < storedLast - fromIndex + 1) {
                copyTarget = null;
                return count;
            }
        }
        while (index <= last) {
            final int i = (int)(index - unstableOffset);
            final int start = entryOffsets[i];
            final int end = i + 1 < unstableCount ? entryOffsets[i + 1] : dataLength;
            final int length = end - start;
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
        if (index < unstableOffset) {
            applyConsumer = consumer;
            while (index <= Math.min(toIndex, unstableOffset - 1)) {
                index += store.read(index, Math.min(toIndex, unstableOffset - 1), 1 << 20, this::applyStored);
            }
            applyConsumer = null;
        }
        for (; index <= toIndex; index++) {
            final int offset = entryOffsets[(int)(index - unstableOffset)];
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
