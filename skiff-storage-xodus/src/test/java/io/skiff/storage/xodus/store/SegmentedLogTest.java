package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.LogStore;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static io.skiff.storage.xodus.store.TestStorage.bytes;
import static io.skiff.storage.xodus.store.TestStorage.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The log in segments of 8 entries (segment n holds indexes 8n to 8n + 7): which stores exist after appends,
 * compactions and truncations, reads across boundaries, what a reopen verifies, and an abort in between. Every
 * check compares the log with a model of what it should hold.
 */
class SegmentedLogTest {
    private static final int SHIFT = 3;

    @TempDir
    Path dir;
    private XodusStorage storage;
    private LogStore log;
    /** What the log should hold: each index's term and the salt its entry's bytes were made from. */
    private TreeMap<Long, Expected> model = new TreeMap<>();
    private long compactedIndex;
    private long compactedTerm;
    private long lastIndex;
    private long salt;

    private record Expected(long term, long salt) {
    }

    private record Model(TreeMap<Long, Expected> entries, long compactedIndex, long compactedTerm, long lastIndex) {
    }

    @BeforeEach
    void open() {
        storage = TestStorage.open(dir, SHIFT);
        log = storage.log();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private void reopen() {
        storage.close();
        open();
    }

    @Test
    void eachSegmentHasItsOwnStore() {
        append(1, 20, 1);
        log.sync();

        assertThat(segmentStores()).containsExactly(0L, 1L, 2L);
        assertThat(keys(1)).containsExactly(8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
        assertThat(keys(2)).containsExactly(16L, 17L, 18L, 19L, 20L);
    }

    @Test
    void compactionRemovesTheSegmentsItCoversWholeAndLeavesAPartlyCompactedOneInPlace() {
        append(1, 40, 1);
        log.sync();

        compact(20, 1);
        log.sync();

        assertThat(segmentStores()).containsExactly(2L, 3L, 4L, 5L);
        assertThat(keys(2)).as("compacted entries 16 to 20 stay until segment 2 is compacted whole")
            .containsExactly(16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L);
        assertHoldsTheModel();
        compact(23, 1);
        log.sync();
        assertThat(segmentStores()).containsExactly(3L, 4L, 5L);
        reopen();
        assertThat(segmentStores()).containsExactly(3L, 4L, 5L);
        assertHoldsTheModel();
    }

    @Test
    void readsAndTermLookupsCrossSegmentBoundaries() {
        for (long index = 1; index <= 40; index++) {
            append(index, index, 1 + index / 6);
        }
        assertReadsCrossBoundaries();
        log.sync();
        assertReadsCrossBoundaries();
        reopen();
        assertReadsCrossBoundaries();
    }

    private void assertReadsCrossBoundaries() {
        assertHoldsTheModel();
        final List<TestStorage.Entry> read = TestStorage.readAll(log, 3, 37, Integer.MAX_VALUE);
        assertThat(read).extracting(TestStorage.Entry::index).containsExactlyElementsOf(model.subMap(3L, 38L).keySet());
        final List<TestStorage.Entry> paged = new ArrayList<>();
        for (long next = 6; next <= 30; ) {
            final List<TestStorage.Entry> page = TestStorage.readAll(log, next, 30, 250);
            assertThat(page).hasSize(Math.min(2, (int)(31 - next)));
            paged.addAll(page);
            next += page.size();
        }
        assertThat(paged).extracting(TestStorage.Entry::index)
            .containsExactlyElementsOf(model.subMap(6L, 31L).keySet());
        for (long index = 0; index <= 40; index++) {
            assertThat(log.term(index)).as("term of %d", index).isEqualTo(index == 0 ? 0 : 1 + index / 6);
        }
    }

    @Test
    void aTruncationAcrossBoundariesFollowedByAppendsInTheSameTransactionReplacesTheEntries() {
        append(1, 30, 1);
        log.sync();

        truncate(12);
        append(13, 26, 2);
        assertHoldsTheModel();
        log.sync();

        assertThat(segmentStores()).containsExactly(0L, 1L, 2L, 3L);
        assertThat(keys(3)).containsExactly(24L, 25L, 26L);
        assertHoldsTheModel();
        reopen();
        assertHoldsTheModel();
        append(27, 35, 2);
        log.sync();
        reopen();
        assertHoldsTheModel();
    }

    @Test
    void aTruncationRemovesTheSegmentsAboveTheKeptIndexWhenItCommits() {
        append(1, 30, 1);
        log.sync();

        truncate(12);
        assertThat(log.lastIndex()).isEqualTo(12);
        assertThatThrownBy(() -> log.term(13)).isInstanceOf(StorageException.class);
        log.sync();

        assertThat(segmentStores()).containsExactly(0L, 1L);
        assertThat(keys(1)).containsExactly(8L, 9L, 10L, 11L, 12L);
        reopen();
        assertHoldsTheModel();
        append(13, 20, 3);
        log.sync();
        reopen();
        assertHoldsTheModel();
        assertThat(segmentStores()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aTruncationOfEntriesAppendedInTheSameTransactionLeavesNoneOfThem() {
        append(1, 30, 1);
        truncate(5);
        assertHoldsTheModel();
        log.sync();

        assertThat(keys(0)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(segmentStores()).as("stores created in the truncating transaction are emptied, not removed")
            .allSatisfy(segment -> assertThat(segment == 0 || keys(segment).isEmpty()).isTrue());
        append(6, 12, 2);
        log.sync();
        assertThat(segmentStores()).as("a later commit removes the emptied stores").containsExactly(0L, 1L);
        reopen();
        assertHoldsTheModel();
    }

    @Test
    void aTruncationDownToTheCompactionBoundaryRemovesEverySegment() {
        append(1, 30, 1);
        log.sync();
        compact(10, 1);
        truncate(10);
        log.sync();

        assertThat(segmentStores()).isEmpty();
        append(11, 20, 2);
        log.sync();
        assertThat(segmentStores()).containsExactly(1L, 2L);
        reopen();
        assertHoldsTheModel();
    }

    @Test
    void compactionBeyondTheLastIndexRemovesEverySegmentAndAppendsGoToTheSegmentAfterIt() {
        append(1, 10, 1);
        log.sync();

        compact(100, 3);
        log.sync();
        assertThat(segmentStores()).isEmpty();
        reopen();
        assertHoldsTheModel();

        append(101, 110, 3);
        log.sync();
        assertThat(segmentStores()).containsExactly(12L, 13L);
        assertThat(keys(12)).containsExactly(101L, 102L, 103L);
        reopen();
        assertHoldsTheModel();
    }

    @Test
    void compactionBeyondTheLastIndexInTheTransactionThatAppendedThenAppendingAgain() {
        append(1, 10, 1);
        compact(13, 2);
        append(14, 20, 2);
        assertHoldsTheModel();
        log.sync();

        assertThat(keys(1)).as("entries 8 to 10 are compacted but stay until segment 1 is compacted whole")
            .containsExactly(8L, 9L, 10L, 14L, 15L);
        reopen();
        assertHoldsTheModel();
        assertThat(segmentStores()).as("the emptied stores are gone after the reopen").containsExactly(1L, 2L);
    }

    @Test
    void anAbortForgetsTheSegmentsTheTransactionCreated() {
        append(1, 10, 1);
        log.sync();
        for (long index = 11; index <= 30; index++) {
            log.append(index, 1, entry(index));
        }

        storage.groupCommit().abort();

        assertThat(log.lastIndex()).isEqualTo(10);
        assertHoldsTheModel();
        append(11, 30, 2);
        log.sync();
        assertThat(segmentStores()).containsExactly(0L, 1L, 2L, 3L);
        reopen();
        assertHoldsTheModel();
    }

    @Test
    void anAbortAfterSegmentsWereRemovedBringsThemBack() {
        append(1, 40, 1);
        log.sync();
        log.compactUpTo(20, 1);
        log.truncateAfter(30);
        ((XodusLogStore)log).beforeCommit(storage.groupCommit().write());

        storage.groupCommit().abort();

        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(40);
        assertHoldsTheModel();
        append(41, 50, 2);
        log.sync();
        assertThat(segmentStores()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        reopen();
        assertHoldsTheModel();
    }

    @Test
    void reopeningWithAnotherSegmentSizeIsRefused() {
        append(1, 20, 1);
        log.sync();
        storage.close();

        assertThatThrownBy(() -> TestStorage.open(dir, SHIFT + 1)).isInstanceOf(StorageException.class)
            .hasMessageContaining("the log segment store 'skiff.log.1' of the Xodus environment")
            .hasMessageContaining("holds entry 8, which belongs in store 'skiff.log.0': with 16 entries per segment, "
                + "store 'skiff.log.1' holds indexes 16 to 31 (was the log written with another segment size?)");
        assertThatThrownBy(() -> TestStorage.open(dir, SHIFT - 1)).isInstanceOf(StorageException.class)
            .hasMessageContaining("store 'skiff.log.0'").hasMessageContaining("holds entry 4, which belongs in "
                + "store 'skiff.log.1': with 4 entries per segment, store 'skiff.log.0' holds indexes 0 to 3");
        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("with 65536 entries per segment");

        open();
        assertHoldsTheModel();
    }

    @ParameterizedTest
    @ValueSource(strings = {"skiff.log.x", "skiff.log.", "skiff.log.01", "skiff.log.-1", "skiff.log.+1",
        "skiff.log.1152921504606846976", "skiff.log.99999999999999999999"})
    void aStoreNamedLikeASegmentThatIsNotOneIsRefused(String name) {
        append(1, 10, 1);
        log.sync();
        storage.close();
        RawXodus.edit(dir, (env, txn) -> env.openStore(name, StoreConfig.WITHOUT_DUPLICATES, txn));

        assertThatThrownBy(() -> TestStorage.open(dir, SHIFT)).isInstanceOf(StorageException.class)
            .hasMessageContaining("holds the store '" + name + "', which is named like a segment of the log but is "
                + "not one: expected 'skiff.log.' followed by a segment number from 0 to 1152921504606846975 "
                + "without leading zeros");
        RawXodus.edit(dir, (env, txn) -> env.removeStore(name, txn));
        open();
        assertHoldsTheModel();
    }

    @Test
    void anEntryInTheWrongSegmentIsRefused() {
        append(1, 10, 1);
        log.sync();
        storage.close();
        RawXodus.edit(dir, (env, txn) -> RawXodus.store(env, txn, LogSegments.storeName(1)).put(txn, Keys.of(3),
            RawXodus.store(env, txn, LogSegments.storeName(0)).get(txn, Keys.of(3))));

        assertThatThrownBy(() -> TestStorage.open(dir, SHIFT)).isInstanceOf(StorageException.class)
            .hasMessageContaining("the log segment store 'skiff.log.1' of the Xodus environment")
            .hasMessageContaining("holds entry 3, which belongs in store 'skiff.log.0': with 8 entries per segment, "
                + "store 'skiff.log.1' holds indexes 8 to 15");
    }

    @Test
    void aKeyThatIsNotAnIndexIsRefused() {
        append(1, 10, 1);
        log.sync();
        storage.close();
        RawXodus.edit(dir, (env, txn) -> RawXodus.store(env, txn, LogSegments.storeName(1)).put(txn,
            MetaStore.FORMAT_KEY, Keys.of(3)));

        assertThatThrownBy(() -> TestStorage.open(dir, SHIFT)).isInstanceOf(StorageException.class)
            .hasMessageContaining("the log segment store 'skiff.log.1' of the Xodus environment")
            .hasMessageContaining("holds a key of 6 bytes, expected an 8-byte index: with 8 entries per segment, "
                + "store 'skiff.log.1' holds indexes 8 to 15");
    }

    @Test
    void segmentStoresWithoutBoundsAreRefused() {
        append(1, 10, 1);
        log.sync();
        storage.close();
        RawXodus.edit(dir, (env, txn) ->
            RawXodus.store(env, txn, MetaStore.STORE).delete(txn, MetaStore.LOG_BOUNDS_KEY));

        assertThatThrownBy(() -> TestStorage.open(dir, SHIFT)).isInstanceOf(StorageException.class)
            .hasMessageContaining("holds 2 log segment stores (the first 'skiff.log.0') but the log's bounds record "
                + "is missing from 'skiff.meta'");
    }

    @Test
    void anEmptySegmentStoreOutsideTheLogIsRemovedOnOpen() {
        append(1, 10, 1);
        log.sync();
        storage.close();
        RawXodus.edit(dir, (env, txn) -> env.openStore(LogSegments.storeName(9), StoreConfig.WITHOUT_DUPLICATES,
            txn));

        open();

        assertThat(segmentStores()).containsExactly(0L, 1L);
        assertHoldsTheModel();
    }

    /**
     * Appends, truncations, compactions (also beyond the last index), syncs, aborts and reopens in a random order,
     * several of each within one transaction: the log always reads back as the model, a sync leaves every store
     * outside the log empty, and a reopen leaves exactly the stores of the segments that hold entries.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void randomOperationsKeepTheLogEqualToTheModel(long seed) {
        final Random random = new Random(seed);
        long term = 1;
        Model synced = model();
        for (int step = 0; step < 300; step++) {
            final int operation = random.nextInt(100);
            if (operation < 45) {
                term += random.nextInt(8) == 0 ? 1 : 0;
                append(lastIndex + 1, lastIndex + 1 + random.nextInt(12), term);
            } else if (operation < 57) {
                truncate(compactedIndex + random.nextLong(lastIndex - compactedIndex + 1));
            } else if (operation < 65) {
                final long index = compactedIndex + 1 + random.nextLong(lastIndex - compactedIndex + 12);
                compact(index, index <= lastIndex ? model.get(index).term() : term);
            } else if (operation < 88) {
                log.sync();
                synced = model();
                final List<Long> live = liveSegments();
                for (long segment : segmentStores()) {
                    assertThat(live.contains(segment) || keys(segment).isEmpty())
                        .as("seed %d step %d: store of segment %d outside the log %s is empty", seed, step, segment,
                            live).isTrue();
                }
            } else if (operation < 94) {
                storage.groupCommit().abort();
                restore(synced);
            } else {
                reopen();
                restore(synced);
                assertThat(segmentStores()).as("seed %d step %d", seed, step).isEqualTo(liveSegments());
            }
            assertHoldsTheModel();
        }
    }

    private void append(long from, long to, long term) {
        for (long index = from; index <= to; index++) {
            log.append(index, term, entry(++salt));
            model.put(index, new Expected(term, salt));
        }
        lastIndex = to;
    }

    private void truncate(long index) {
        log.truncateAfter(index);
        model.tailMap(index, false).clear();
        lastIndex = index;
    }

    private void compact(long index, long term) {
        log.compactUpTo(index, term);
        model.headMap(index, true).clear();
        compactedIndex = index;
        compactedTerm = term;
        lastIndex = Math.max(lastIndex, index);
    }

    private Model model() {
        return new Model(new TreeMap<>(model), compactedIndex, compactedTerm, lastIndex);
    }

    private void restore(Model saved) {
        model = new TreeMap<>(saved.entries());
        compactedIndex = saved.compactedIndex();
        compactedTerm = saved.compactedTerm();
        lastIndex = saved.lastIndex();
    }

    /** Checks bounds, every entry's term and bytes, and the term at the compaction boundary. */
    private void assertHoldsTheModel() {
        assertThat(log.firstIndex()).isEqualTo(compactedIndex + 1);
        assertThat(log.lastIndex()).isEqualTo(lastIndex);
        assertThat(log.term(compactedIndex)).isEqualTo(compactedTerm);
        final List<TestStorage.Entry> read = lastIndex > compactedIndex
            ? TestStorage.readAll(log, compactedIndex + 1, lastIndex, Integer.MAX_VALUE) : List.of();
        assertThat(read).extracting(TestStorage.Entry::index).containsExactlyElementsOf(model.keySet());
        for (TestStorage.Entry entry : read) {
            final Expected expected = model.get(entry.index());
            assertThat(entry.term()).as("term of %d", entry.index()).isEqualTo(expected.term());
            assertThat(entry.bytes()).as("entry %d", entry.index()).isEqualTo(bytes(entry(expected.salt())));
            assertThat(log.term(entry.index())).isEqualTo(expected.term());
        }
    }

    /** @return the segments that hold the model's entries. */
    private List<Long> liveSegments() {
        final List<Long> segments = new ArrayList<>();
        for (long index : model.keySet()) {
            if (segments.isEmpty() || segments.get(segments.size() - 1) != index >>> SHIFT) {
                segments.add(index >>> SHIFT);
            }
        }
        return segments;
    }

    /** @return the segment numbers of the log's stores, committed. */
    private List<Long> segmentStores() {
        return storage.environment().computeInReadonlyTransaction(txn -> {
            final List<Long> segments = new ArrayList<>();
            for (String name : storage.environment().getAllStoreNames(txn)) {
                if (name.startsWith(LogSegments.PREFIX)) {
                    segments.add(Long.parseLong(name.substring(LogSegments.PREFIX.length())));
                }
            }
            segments.sort(null);
            return segments;
        });
    }

    /** @return the keys in a segment's store, committed. */
    private List<Long> keys(long segment) {
        return storage.environment().computeInReadonlyTransaction(txn -> {
            final List<Long> keys = new ArrayList<>();
            try (Cursor cursor = storage.environment().openStore(LogSegments.storeName(segment),
                StoreConfig.USE_EXISTING, txn).openCursor(txn)) {
                while (cursor.getNext()) {
                    keys.add(Keys.decode(cursor.getKey()));
                }
            }
            return keys;
        });
    }
}
