package io.skiff.core.storage;

import io.skiff.spi.KvStore;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The key-value store of a node's memory storage. Writes change the node's map at once and are remembered in an
 * undo list until {@link #commit}; closing (or a crash, which closes first) undoes what was not committed, as a
 * transaction that never committed leaves no trace.
 */
final class MemoryKvStore implements KvStore {
    /** Marks, in the undo list, a key that did not exist before the write. */
    private static final byte[] ABSENT = new byte[0];

    private final MemoryStorage storage;
    private final NodeStorage.KvData data;
    private final List<Map.Entry<byte[], byte[]>> undo = new ArrayList<>();

    MemoryKvStore(MemoryStorage storage, NodeStorage.KvData data) {
        this.storage = storage;
        this.data = data;
    }

    @Override
    public long appliedIndex() {
        storage.checkOpen();
        return data.appliedIndex;
    }

    @Override
    public byte[] get(byte[] key) {
        storage.checkOpen();
        final byte[] value = data.entries.get(key);
        return null == value ? null : value.clone();
    }

    @Override
    public void put(byte[] key, byte[] value) {
        storage.checkOpen();
        final byte[] copy = key.clone();
        undo.add(Map.entry(copy, orAbsent(data.entries.put(copy, value.clone()))));
    }

    @Override
    public void delete(byte[] key) {
        storage.checkOpen();
        undo.add(Map.entry(key.clone(), orAbsent(data.entries.remove(key))));
    }

    @Override
    public void scan(byte[] start, boolean startInclusive, boolean reverse, EntryVisitor visitor) {
        storage.checkOpen();
        NavigableMap<byte[], byte[]> view = data.entries;
        if (null != start) {
            view = reverse ? view.headMap(start, startInclusive) : view.tailMap(start, startInclusive);
        }
        for (Map.Entry<byte[], byte[]> entry : (reverse ? view.descendingMap() : view).entrySet()) {
            if (!visitor.visit(entry.getKey().clone(), entry.getValue().clone())) {
                return;
            }
        }
    }

    @Override
    public void clear() {
        storage.checkOpen();
        for (Map.Entry<byte[], byte[]> entry : data.entries.entrySet()) {
            undo.add(Map.entry(entry.getKey(), entry.getValue()));
        }
        data.entries.clear();
    }

    @Override
    public void commit(long appliedIndex) {
        storage.checkOpen();
        undo.clear();
        data.appliedIndex = appliedIndex;
    }

    /** Undoes every write since the last commit, newest first. */
    void rollback() {
        for (int i = undo.size() - 1; i >= 0; i--) {
            final Map.Entry<byte[], byte[]> previous = undo.get(i);
            if (previous.getValue() == ABSENT) {
                data.entries.remove(previous.getKey());
            } else {
                data.entries.put(previous.getKey(), previous.getValue());
            }
        }
        undo.clear();
    }

    private static byte[] orAbsent(byte[] previous) {
        return null == previous ? ABSENT : previous;
    }

    static TreeMap<byte[], byte[]> newMap() {
        return new TreeMap<>(Arrays::compareUnsigned);
    }
}
