package io.skiff.core.storage;

import io.skiff.StorageException;
import io.skiff.spi.LogStore;

import java.nio.ByteBuffer;

/**
 * The log of one open {@link MemoryStorage}: checks every call against the rules of {@link LogStore} and works on
 * the node's {@link LogData}, which outlives this handle.
 *
 * <p>Entries are handed to readers through one reused buffer that each entry is copied into, so reading allocates
 * nothing per entry and a handler cannot change what is stored. The buffer is therefore valid only during the
 * handler's call, and a handler must not read this log again from within that call.
 */
final class MemoryLogStore implements LogStore {
    private final MemoryStorage storage;
    private final LogData data;
    private final ReadBuffer readBuffer = new ReadBuffer();

    MemoryLogStore(MemoryStorage storage, LogData data) {
        this.storage = storage;
        this.data = data;
    }

    @Override
    public long firstIndex() {
        storage.checkOpen();
        return data.compactedIndex() + 1;
    }

    @Override
    public long lastIndex() {
        storage.checkOpen();
        return data.lastIndex();
    }

    @Override
    public long term(long index) {
        storage.checkOpen();
        if (index == data.compactedIndex()) {
            return data.compactedTerm();
        }
        if (index < data.compactedIndex() || index > data.lastIndex()) {
            throw new StorageException("term(" + index + ") of the log of " + storage.address()
                + " is out of range: expected an index from " + data.compactedIndex() + " (firstIndex - 1) to "
                + data.lastIndex() + " (lastIndex), actual " + index);
        }
        return data.term(index);
    }

    @Override
    public void append(long index, long term, ByteBuffer entry) {
        storage.checkOpen();
        final long expected = data.lastIndex() + 1;
        if (index != expected) {
            throw new StorageException("cannot append to the log of " + storage.address() + ": expected index "
                + expected + " (lastIndex + 1), actual " + index);
        }
        final byte[] bytes = new byte[entry.remaining()];
        entry.get(entry.position(), bytes);
        data.append(term, bytes);
    }

    @Override
    public void truncateAfter(long index) {
        storage.checkOpen();
        if (index < data.compactedIndex()) {
            throw new StorageException("cannot truncate the log of " + storage.address() + " after index " + index
                + ": entries up to " + data.compactedIndex() + " are compacted; expected an index of at least "
                + data.compactedIndex() + " (firstIndex - 1), actual " + index);
        }
        if (index < data.lastIndex()) {
            data.truncateAfter(index);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Compacting up to an index already compacted changes nothing.
     *
     * @throws StorageException when the log holds {@code index} with another term: keeping the entries after it
     *                          would splice a snapshot onto a log it does not belong to (Raft §7 discards such a
     *                          log; truncate it first).
     */
    @Override
    public void compactUpTo(long index, long term) {
        storage.checkOpen();
        if (index <= data.compactedIndex()) {
            return;
        }
        if (index <= data.lastIndex() && data.term(index) != term) {
            throw new StorageException("cannot compact the log of " + storage.address() + " up to index " + index
                + ": expected the entry's term " + data.term(index) + ", actual " + term
                + "; truncate a conflicting log before installing a snapshot over it");
        }
        data.compactUpTo(index, term);
    }

    @Override
    public void sync() {
        storage.checkOpen();
        data.sync();
    }

    @Override
    public int read(long fromIndex, long toIndex, int maxBytes, EntryHandler handler) {
        storage.checkOpen();
        final long first = data.compactedIndex() + 1;
        final long last = data.lastIndex();
        if (fromIndex < first || toIndex > last || fromIndex > toIndex) {
            throw new StorageException("cannot read entries [" + fromIndex + ", " + toIndex + "] of the log of "
                + storage.address() + ": expected fromIndex <= toIndex within [" + first + ", " + last + "]"
                + (first > last ? " (the log holds no entries)" : ""));
        }
        long totalBytes = 0;
        int read = 0;
        for (long index = fromIndex; index <= toIndex; index++) {
            final byte[] bytes = data.entry(index);
            totalBytes += bytes.length;
            if (read > 0 && totalBytes > maxBytes) {
                break;
            }
            handler.onEntry(index, data.term(index), readBuffer.copyOf(bytes));
            read++;
        }
        return read;
    }
}
