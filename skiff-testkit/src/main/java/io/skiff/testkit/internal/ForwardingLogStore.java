package io.skiff.testkit.internal;

import io.skiff.spi.LogStore;

import java.nio.ByteBuffer;

/**
 * A log store that passes every call to another, for the testkit's fault-injecting storages to override the writes
 * they interfere with. Not exported: the testkit's own packages share it.
 */
public abstract class ForwardingLogStore implements LogStore {
    private final LogStore store;

    protected ForwardingLogStore(LogStore store) {
        this.store = store;
    }

    @Override
    public long firstIndex() {
        return store.firstIndex();
    }

    @Override
    public long lastIndex() {
        return store.lastIndex();
    }

    @Override
    public long term(long index) {
        return store.term(index);
    }

    @Override
    public void append(long index, long term, ByteBuffer entry) {
        store.append(index, term, entry);
    }

    @Override
    public void truncateAfter(long index) {
        store.truncateAfter(index);
    }

    @Override
    public void compactUpTo(long index, long term) {
        store.compactUpTo(index, term);
    }

    @Override
    public void sync() {
        store.sync();
    }

    @Override
    public int read(long fromIndex, long toIndex, int maxBytes, EntryHandler handler) {
        return store.read(fromIndex, toIndex, maxBytes, handler);
    }
}
