package io.skiff.core.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/** Entries in a sorted map on the heap; snapshots plus the log keep them across restarts. */
final class HeapKvData implements KvData {
    private TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);

    @Override
    public long openedAppliedIndex() {
        return 0;
    }

    @Override
    public byte[] get(byte[] key) {
        return entries.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        entries.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        entries.remove(key);
    }

    @Override
    public List<Map.Entry<byte[], byte[]>> range(KvRange range, int max) {
        final NavigableMap<byte[], byte[]> bounded = bounded(range);
        final NavigableMap<byte[], byte[]> ordered = range.reverse() ? bounded.descendingMap() : bounded;
        final List<Map.Entry<byte[], byte[]>> selected = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> entry : ordered.entrySet()) {
            if (selected.size() >= max) {
                break;
            }
            selected.add(entry);
        }
        return selected;
    }

    private NavigableMap<byte[], byte[]> bounded(KvRange range) {
        final byte[] lower = range.lower();
        final byte[] upper = range.upper();
        if (null != lower && null != upper) {
            // TreeMap.subMap rejects a lower bound above the upper one; such a range is simply empty.
            if (Arrays.compareUnsigned(lower, upper) > 0) {
                return Collections.emptyNavigableMap();
            }
            return entries.subMap(lower, range.lowerInclusive(), upper, range.upperInclusive());
        }
        if (null != lower) {
            return entries.tailMap(lower, range.lowerInclusive());
        }
        if (null != upper) {
            return entries.headMap(upper, range.upperInclusive());
        }
        return entries;
    }

    @Override
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        entries.forEach(visitor);
    }

    /** Nothing to make durable: the log is. */
    @Override
    public void commit(long appliedIndex) {
    }

    @Override
    public Restore restore() {
        final TreeMap<byte[], byte[]> restored = new TreeMap<>(Arrays::compareUnsigned);
        return new Restore() {
            @Override
            public void put(byte[] key, byte[] value) {
                restored.put(key, value);
            }

            @Override
            public void finish(long appliedIndex) {
                entries = restored;
            }
        };
    }

    @Override
    public void close() {
        entries.clear();
    }
}
