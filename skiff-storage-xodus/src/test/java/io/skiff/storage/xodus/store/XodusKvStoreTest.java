package io.skiff.storage.xodus.store;

import io.skiff.spi.KvStore;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;

import static io.skiff.storage.xodus.store.TestStorage.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Xodus key-value store beyond the SPI contract: Xodus's key order, what each commit costs and makes durable, the
 * staged generation of a clear, and scans whose visitor commits the shared transaction.
 */
class XodusKvStoreTest {
    @TempDir
    Path dir;
    private XodusStorage storage;
    private KvStore kv;

    @BeforeEach
    void open() {
        storage = TestStorage.open(dir);
        kv = storage.kvStore().orElseThrow();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private void reopen() {
        storage.close();
        open();
    }

    private static byte[] b(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> keys(KvStore store) {
        final List<String> keys = new ArrayList<>();
        store.scan(null, true, false, (key, value) -> keys.add(new String(key, StandardCharsets.UTF_8)));
        return keys;
    }

    private List<String> storeNames() {
        return storage.environment().computeInReadonlyTransaction(txn -> storage.environment().getAllStoreNames(txn));
    }

    @Test
    void scansMatchUnsignedByteOrderOverStoredAndUncommittedEntriesFromAnyBound() {
        final Random random = new Random(42);
        final NavigableMap<byte[], byte[]> model = new TreeMap<>(Arrays::compareUnsigned);
        final List<byte[]> keys = new ArrayList<>();
        keys.add(new byte[0]);
        for (int i = 0; i < 300; i++) {
            final byte[] key = new byte[random.nextInt(4)];
            random.nextBytes(key);
            keys.add(key);
        }
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 200; i++) {
                final byte[] key = keys.get(random.nextInt(keys.size()));
                if (random.nextInt(4) == 0) {
                    kv.delete(key);
                    model.remove(key);
                } else {
                    final byte[] value = new byte[random.nextInt(8)];
                    random.nextBytes(value);
                    kv.put(key, value);
                    model.put(key.clone(), value);
                }
            }
            if (round == 0) {
                kv.commit(1);
            }
        }

        for (int probe = 0; probe < 200; probe++) {
            final byte[] start = probe == 0 ? null : keys.get(random.nextInt(keys.size()));
            final boolean inclusive = random.nextBoolean();
            final boolean reverse = random.nextBoolean();
            NavigableMap<byte[], byte[]> expected = model;
            if (null != start) {
                expected = reverse ? model.headMap(start, inclusive) : model.tailMap(start, inclusive);
            }
            final List<Map.Entry<String, String>> want = new ArrayList<>();
            for (Map.Entry<byte[], byte[]> e : (reverse ? expected.descendingMap() : expected).entrySet()) {
                want.add(hex(e.getKey(), e.getValue()));
            }
            final List<Map.Entry<String, String>> got = new ArrayList<>();
            kv.scan(start, inclusive, reverse, (key, value) -> got.add(hex(key, value)));
            assertThat(got).as("scan from %s, inclusive %s, reverse %s", null == start ? null : hex(start, start),
                inclusive, reverse).isEqualTo(want);
        }
        for (byte[] key : keys) {
            assertThat(kv.get(key)).isEqualTo(model.get(key));
        }
        kv.commit(2);
        reopen();
        final List<Map.Entry<String, String>> all = new ArrayList<>();
        kv.scan(null, true, false, (key, value) -> all.add(hex(key, value)));
        assertThat(all).containsExactlyElementsOf(model.entrySet().stream()
            .map(e -> hex(e.getKey(), e.getValue())).toList());
    }

    private static Map.Entry<String, String> hex(byte[] key, byte[] value) {
        return new AbstractMap.SimpleImmutableEntry<>(java.util.HexFormat.of().formatHex(key),
            java.util.HexFormat.of().formatHex(value));
    }

    @Test
    void anEmptyKeyAndALargeValueRoundTrip() {
        final byte[] large = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(large);
        kv.put(new byte[0], b("empty"));
        kv.put(b("large"), large);
        kv.commit(3);
        reopen();
        assertThat(kv.get(new byte[0])).isEqualTo(b("empty"));
        assertThat(kv.get(b("large"))).isEqualTo(large);
    }

    @Test
    void aCommitOfKeyValueWritesAloneIsOneTransactionWithoutAnFsync() {
        final long commits = storage.transactionsCommitted();
        final long unforced = storage.transactionsCommittedUnforced();
        kv.put(b("a"), b("1"));
        kv.put(b("b"), b("2"));
        kv.commit(5);

        assertThat(storage.transactionsCommitted()).isEqualTo(commits + 1);
        assertThat(storage.transactionsCommittedUnforced()).isEqualTo(unforced + 1);
        assertThat(storage.environment().getEnvironmentConfig().getLogDurableWrite())
            .as("Xodus's durableWrite, cleared only for the unforced commit").isTrue();
        reopen();
        assertThat(kv.appliedIndex()).isEqualTo(5);
        assertThat(keys(kv)).containsExactly("a", "b");
    }

    @Test
    void aCommitThatCarriesUnsyncedLogAppendsIsForced() {
        final long unforced = storage.transactionsCommittedUnforced();
        storage.log().append(1, 1, entry(1));
        kv.put(b("a"), b("1"));
        kv.commit(1);

        assertThat(storage.transactionsCommittedUnforced()).isEqualTo(unforced);
        storage.log().sync();
        reopen();
        assertThat(storage.log().lastIndex()).isEqualTo(1);
        assertThat(kv.get(b("a"))).isEqualTo(b("1"));
    }

    @Test
    void aCommitWithNothingNewCostsNothing() {
        kv.put(b("a"), b("1"));
        kv.commit(4);
        final long commits = storage.transactionsCommitted();
        kv.commit(4);
        assertThat(storage.transactionsCommitted()).isEqualTo(commits);
        kv.commit(5);
        assertThat(storage.transactionsCommitted()).isEqualTo(commits + 1);
    }

    @Test
    void aLogSyncBeforeTheCommitDoesNotPublishHalfABatch() {
        kv.put(b("kept"), b("1"));
        kv.commit(1);
        kv.put(b("half"), b("batch"));
        kv.delete(b("kept"));
        storage.log().append(1, 1, entry(1));
        storage.log().sync();

        final Map<String, String> stored = storage.environment().computeInReadonlyTransaction(txn -> {
            final Store store = storage.environment().openStore(KvState.storeName(0), StoreConfig.USE_EXISTING, txn);
            final Map<String, String> found = new TreeMap<>();
            try (var cursor = store.openCursor(txn)) {
                while (cursor.getNext()) {
                    found.put(new String(Arrays.copyOf(cursor.getKey().getBytesUnsafe(), cursor.getKey().getLength()),
                        StandardCharsets.UTF_8), "stored");
                }
            }
            return found;
        });
        assertThat(stored).containsOnlyKeys("kept");
        assertThat(kv.get(b("half"))).isEqualTo(b("batch"));
        assertThat(kv.get(b("kept"))).isNull();
    }

    @Test
    void clearStagesANewGenerationThatReplacesTheOldOneOnlyAtCommit() {
        kv.put(b("old"), b("1"));
        kv.commit(5);
        kv.clear();
        kv.put(b("new"), b("2"));

        assertThat(kv.get(b("old"))).isNull();
        assertThat(keys(kv)).containsExactly("new");
        assertThat(kv.appliedIndex()).isEqualTo(5);
        assertThat(storeNames()).contains(KvState.storeName(0), KvState.storeName(1));
        kv.commit(9);

        assertThat(storeNames()).contains(KvState.storeName(1)).doesNotContain(KvState.storeName(0));
        reopen();
        assertThat(kv.appliedIndex()).isEqualTo(9);
        assertThat(keys(kv)).containsExactly("new");
    }

    @Test
    void aStagedGenerationLargerThanOneTransactionIsDiscardedUnlessCommitted() {
        kv.put(b("old"), b("1"));
        kv.commit(5);
        final long commits = storage.transactionsCommitted();
        kv.clear();
        final byte[] value = new byte[1024 * 1024];
        for (int i = 0; i < 10; i++) {
            kv.put(b("staged-" + i), value);
        }
        assertThat(storage.transactionsCommitted()).as("staged entries are committed every 4 MiB")
            .isGreaterThanOrEqualTo(commits + 3);
        reopen();

        assertThat(kv.appliedIndex()).isEqualTo(5);
        assertThat(keys(kv)).containsExactly("old");
        assertThat(storeNames()).as("the uncommitted generation is removed on open")
            .contains(KvState.storeName(0)).doesNotContain(KvState.storeName(1));
        kv.clear();
        kv.put(b("after"), b("x"));
        kv.commit(6);
        assertThat(storeNames()).contains(KvState.storeName(2)).doesNotContain(KvState.storeName(0));
    }

    @Test
    void aSecondClearDiscardsTheFirstStagedGeneration() {
        kv.put(b("old"), b("1"));
        kv.commit(1);
        kv.clear();
        kv.put(b("first"), b("1"));
        kv.clear();
        kv.put(b("second"), b("2"));
        kv.commit(2);

        assertThat(keys(kv)).containsExactly("second");
        assertThat(storeNames()).filteredOn(name -> name.startsWith(KvState.STORE_PREFIX))
            .containsExactly(KvState.storeName(2));
    }

    @Test
    void aScanKeepsItsPlaceWhenItsVisitorCommitsTheSharedTransaction() {
        for (int i = 0; i < 1000; i++) {
            kv.put(b(String.format("k%04d", i)), b("v" + i));
        }
        kv.commit(1);
        kv.put(b("k0500x"), b("uncommitted"));
        storage.log().append(1, 1, entry(1));

        final List<String> visited = new ArrayList<>();
        final long[] next = {2};
        kv.scan(null, true, false, (key, value) -> {
            visited.add(new String(key, StandardCharsets.UTF_8));
            if (visited.size() % 100 == 0) {
                storage.log().sync();
                storage.log().append(next[0], 1, entry(next[0]));
                next[0]++;
            }
            return true;
        });

        assertThat(visited).hasSize(1001).doesNotHaveDuplicates().isSortedAccordingTo(String::compareTo)
            .contains("k0500x");
    }

    @Test
    void aScanOfAStagedGenerationKeepsItsPlaceAcrossItsOwnFlushes() {
        kv.clear();
        final byte[] value = new byte[64 * 1024];
        for (int i = 0; i < 200; i++) {
            kv.put(b(String.format("s%03d", i)), value);
        }
        final List<String> visited = new ArrayList<>();
        kv.scan(b("s100"), false, true, (key, v) -> {
            visited.add(new String(key, StandardCharsets.UTF_8));
            storage.log().append(visited.size(), 1, entry(visited.size()));
            storage.log().sync();
            return true;
        });
        assertThat(visited).hasSize(100).startsWith("s099").endsWith("s000").doesNotHaveDuplicates();
    }
}
