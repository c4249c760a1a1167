package io.skiff.core.kv;

import io.skiff.spi.KvStore;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Entries in the storage's {@link KvStore}, committed with the applied index after each batch of applies, so that
 * a restart resumes where the store left off instead of replaying the log from a snapshot.
 */
final class StoreKvData implements KvData {
    private final KvStore store;

    StoreKvData(KvStore store) {
        this.store = store;
    }

    @Override
    public long openedAppliedIndex() {
        return store.appliedIndex();
    }

    @Override
    public byte[] get(byte[] key) {
        return store.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        store.put(key, value);
    }

    @Override
    public void delete(byte[] key) {
        store.delete(key);
    }

    @Override
    public List<Map.Entry<byte[], byte[]>> range(KvRange range, int max) {
        final List<Map.Entry<byte[], byte[]>> selected = new ArrayList<>();
        final byte[] lower = range.lower();
        final byte[] upper = range.upper();
        if (null != lower && null != upper && Arrays.compareUnsigned(lower, upper) > 0) {
            return selected;
        }
        final byte[] start = range.reverse() ? upper : lower;
        final boolean startInclusive = range.reverse() ? range.upperInclusive() : range.lowerInclusive();
        final byte[] end = range.reverse() ? lower : upper;
        final boolean endInclusive = range.reverse() ? range.lowerInclusive() : range.upperInclusive();
        store.scan(start, startInclusive, range.reverse(), (key, value) -> {
            if (selected.size() >= max) {
                return false;
            }
            if (null != end) {
                final int c = Arrays.compareUnsigned(key, end);
                if ((range.reverse() ? c < 0 : c > 0) || (c == 0 && !endInclusive)) {
                    return false;
                }
            }
            selected.add(new AbstractMap.SimpleImmutableEntry<>(key, value));
            return true;
        });
        return selected;
    }

    @Override
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        store.scan(null, true, false, (key, value) -> {
            visitor.accept(key, value);
            return true;
        });
    }

    @Override
    public void commit(long appliedIndex) {
        store.commit(appliedIndex);
    }

    @Override
    public Restore restore() {
        store.clear();
        return new Restore() {
            @Override
            public void put(byte[] key, byte[] value) {
                store.put(key, value);
            }

            @Override
            public void finish(long appliedIndex) {
                store.commit(appliedIndex);
            }
        };
    }

    /** The storage owns the store and closes it with itself. */
    @Override
    public void close() {
    }
}
