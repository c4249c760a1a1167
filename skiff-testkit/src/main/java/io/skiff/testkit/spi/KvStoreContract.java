package io.skiff.testkit.spi;

import io.skiff.spi.KvStore;
import io.skiff.spi.Storage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link KvStore}, for storage providers that keep one: unsigned key order, scans from a bound in
 * either direction, read-your-writes before commit, and commits that survive a restart with their applied index
 * while uncommitted writes do not.
 */
public abstract class KvStoreContract extends StorageContract {
    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static KvStore kv(Storage storage) {
        return storage.kvStore().orElseThrow(() -> new AssertionError("the storage keeps no key-value store"));
    }

    private static List<String> scan(KvStore store, String start, boolean inclusive, boolean reverse, int max) {
        final List<String> keys = new ArrayList<>();
        store.scan(null == start ? null : b(start), inclusive, reverse, (key, value) -> {
            keys.add(new String(key, StandardCharsets.UTF_8) + "=" + new String(value, StandardCharsets.UTF_8));
            return keys.size() < max;
        });
        return keys;
    }

    @Test
    public void aNewStoreIsEmptyAtAppliedIndexZero() {
        final KvStore store = kv(open());
        assertThat(store.appliedIndex()).isZero();
        assertThat(store.get(b("a"))).isNull();
        assertThat(scan(store, null, true, false, 10)).isEmpty();
    }

    @Test
    public void writesAreReadBeforeTheyAreCommitted() {
        final KvStore store = kv(open());
        store.put(b("k"), b("v1"));
        assertThat(store.get(b("k"))).isEqualTo(b("v1"));
        store.put(b("k"), b("v2"));
        store.delete(b("gone"));
        assertThat(store.get(b("k"))).isEqualTo(b("v2"));
        store.delete(b("k"));
        assertThat(store.get(b("k"))).isNull();
    }

    @Test
    public void scansFollowUnsignedOrderFromTheirBoundInBothDirections() {
        final KvStore store = kv(open());
        for (String key : new String[]{"b", "a", "c", "\u00ff", "ab"}) {
            store.put(b(key), b(key.toUpperCase()));
        }
        assertThat(scan(store, null, true, false, 10)).containsExactly("a=A", "ab=AB", "b=B", "c=C", "\u00ff=\u0178");
        assertThat(scan(store, "ab", true, false, 2)).containsExactly("ab=AB", "b=B");
        assertThat(scan(store, "ab", false, false, 10)).containsExactly("b=B", "c=C", "\u00ff=\u0178");
        assertThat(scan(store, null, true, true, 2)).containsExactly("\u00ff=\u0178", "c=C");
        assertThat(scan(store, "b", true, true, 10)).containsExactly("b=B", "ab=AB", "a=A");
        assertThat(scan(store, "b", false, true, 10)).containsExactly("ab=AB", "a=A");
        assertThat(scan(store, "zz", true, false, 10)).containsExactly("\u00ff=\u0178");
    }

    @Test
    public void aCommitSurvivesARestartWithItsAppliedIndex() {
        Storage storage = open();
        KvStore store = kv(storage);
        store.put(b("k"), b("v"));
        store.put(b("x"), b("y"));
        store.commit(7);
        store.delete(b("x"));
        store.commit(8);
        storage = reopen(storage);
        store = kv(storage);
        assertThat(store.appliedIndex()).isEqualTo(8);
        assertThat(store.get(b("k"))).isEqualTo(b("v"));
        assertThat(store.get(b("x"))).isNull();
    }

    @Test
    public void writesNotCommittedAreGoneAfterARestart() {
        Storage storage = open();
        KvStore store = kv(storage);
        store.put(b("kept"), b("1"));
        store.commit(3);
        store.put(b("kept"), b("2"));
        store.put(b("lost"), b("x"));
        store.clear();
        storage = reopen(storage);
        store = kv(storage);
        assertThat(store.appliedIndex()).isEqualTo(3);
        assertThat(store.get(b("kept"))).isEqualTo(b("1"));
        assertThat(store.get(b("lost"))).isNull();
    }

    @Test
    public void clearRemovesEverything() {
        final KvStore store = kv(open());
        store.put(b("a"), b("1"));
        store.put(b("b"), b("2"));
        store.commit(1);
        store.clear();
        store.put(b("c"), b("3"));
        store.commit(9);
        assertThat(scan(store, null, true, false, 10)).containsExactly("c=3");
        assertThat(store.appliedIndex()).isEqualTo(9);
    }
}
