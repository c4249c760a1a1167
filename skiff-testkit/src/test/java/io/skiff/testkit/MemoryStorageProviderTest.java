package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.StorageException;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.spi.Providers;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.Storage;
import io.skiff.spi.StorageContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the memory storage adds to the SPI contract: a restartable "disk" per provider, and crashes. */
class MemoryStorageProviderTest {
    private static final NodeAddress NODE = NodeAddress.parse("/mem/node");
    private static final NodeAddress OTHER = NodeAddress.parse("/mem/other");

    private final MemoryStorageProvider provider = new MemoryStorageProvider();
    private final List<Storage> opened = new ArrayList<>();

    @AfterEach
    void closeOpened() {
        opened.forEach(Storage::close);
    }

    @Test
    void serviceLoaderFindsTheProviderByName() {
        assertThat(Providers.storage("memory")).isInstanceOf(MemoryStorageProvider.class);
        assertThat(provider.name()).isEqualTo(MemoryStorageProvider.NAME).isEqualTo("memory");
    }

    @Test
    void aNewProviderInstanceStartsEmpty() {
        final Storage storage = open(NODE);
        storage.log().append(1, 1, bytes("a"));
        storage.log().sync();
        storage.close();

        final Storage fresh = track(new MemoryStorageProvider().open(context(NODE)));

        assertThat(fresh.log().lastIndex()).isEqualTo(0);
    }

    @Test
    void nodesAreKeptApart() {
        final Storage node = open(NODE);
        final Storage other = open(OTHER);

        node.log().append(1, 1, bytes("a"));
        node.state().save(new PersistentState("c", 2, null, List.of()));

        assertThat(other.log().lastIndex()).isEqualTo(0);
        assertThat(other.state().load()).isEqualTo(PersistentState.EMPTY);
    }

    @Test
    void secondOpenOfAnOpenAddressIsRejected() {
        open(NODE);

        assertThatThrownBy(() -> provider.open(context(NODE)))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("/mem/node")
            .hasMessageContaining("already open");
    }

    @Test
    void closedStorageAndItsStoresRejectEveryCall() {
        final Storage storage = provider.open(context(NODE));
        final LogStore log = storage.log();
        final SnapshotStore.Writer writer = storage.snapshots().create(meta(5, 1));
        storage.close();
        storage.close();

        assertThatThrownBy(storage::log).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(log::lastIndex).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> log.append(1, 1, bytes("late"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void cleanRestartKeepsWhatWasNotSynced() {
        final Storage storage = open(NODE);
        storage.log().append(1, 1, bytes("a"));
        storage.log().sync();
        storage.log().append(2, 1, bytes("b"));
        storage.close();

        assertThat(entries(open(NODE).log())).containsExactly("1/1:a", "2/1:b");
    }

    @Test
    void unsyncedAppendsAreLostInACrash() {
        final Storage storage = open(NODE);
        append(storage.log(), 1, 3, 1);
        storage.log().sync();
        append(storage.log(), 4, 2, 1);

        final LogStore log = crashAndReopen(storage).log();

        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(entries(log)).containsExactly("1/1:e1", "2/1:e2", "3/1:e3");
        log.append(4, 2, bytes("again"));
        assertThat(log.lastIndex()).isEqualTo(4);
    }

    @Test
    void syncedAppendsSurviveACrash() {
        final Storage storage = open(NODE);
        append(storage.log(), 1, 3, 1);
        storage.log().sync();

        assertThat(entries(crashAndReopen(storage).log())).containsExactly("1/1:e1", "2/1:e2", "3/1:e3");
    }

    @Test
    void everythingIsLostInACrashBeforeTheFirstSync() {
        final Storage storage = open(NODE);
        append(storage.log(), 1, 3, 1);

        final LogStore log = crashAndReopen(storage).log();

        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(0);
    }

    @Test
    void unsyncedTruncationIsUndoneInACrash() {
        final Storage storage = open(NODE);
        append(storage.log(), 1, 5, 1);
        storage.log().sync();
        storage.log().truncateAfter(2);
        storage.log().append(3, 2, bytes("new3"));

        assertThat(entries(crashAndReopen(storage).log()))
            .containsExactly("1/1:e1", "2/1:e2", "3/1:e3", "4/1:e4", "5/1:e5");
    }

    @Test
    void unsyncedCompactionIsUndoneInACrash() {
        final Storage storage = open(NODE);
        append(storage.log(), 1, 5, 1);
        storage.log().compactUpTo(1, 1);
        storage.log().sync();
        storage.log().compactUpTo(4, 1);

        final LogStore log = crashAndReopen(storage).log();

        assertThat(log.firstIndex()).isEqualTo(2);
        assertThat(log.term(1)).isEqualTo(1);
        assertThat(entries(log)).containsExactly("2/1:e2", "3/1:e3", "4/1:e4", "5/1:e5");
    }

    @Test
    void unsyncedSnapshotInstallIsUndoneInACrash() {
        final Storage storage = open(NODE);
        append(storage.log(), 1, 3, 1);
        storage.log().sync();
        storage.log().compactUpTo(40, 5);

        final LogStore log = crashAndReopen(storage).log();

        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(entries(log)).containsExactly("1/1:e1", "2/1:e2", "3/1:e3");
    }

    @Test
    void truncationAppendsAndCompactionSinceTheSyncAreAllUndoneInACrash() {
        final Storage storage = open(NODE);
        final LogStore log = storage.log();
        append(log, 1, 10, 1);
        log.sync();
        log.truncateAfter(6);
        append(log, 7, 2, 2);
        log.truncateAfter(3);
        append(log, 4, 6, 3);
        log.compactUpTo(7, 3);

        assertThat(entries(crashAndReopen(storage).log())).containsExactly("1/1:e1", "2/1:e2", "3/1:e3",
            "4/1:e4", "5/1:e5", "6/1:e6", "7/1:e7", "8/1:e8", "9/1:e9", "10/1:e10");
    }

    @Test
    void changesBeforeTheLastSyncSurviveACrash() {
        final Storage storage = open(NODE);
        final LogStore log = storage.log();
        append(log, 1, 10, 1);
        log.sync();
        log.truncateAfter(6);
        append(log, 7, 2, 2);
        log.compactUpTo(3, 1);
        log.sync();
        append(log, 9, 2, 2);
        log.truncateAfter(5);

        final LogStore recovered = crashAndReopen(storage).log();

        assertThat(recovered.term(3)).isEqualTo(1);
        assertThat(entries(recovered)).containsExactly("4/1:e4", "5/1:e5", "6/1:e6", "7/2:e7", "8/2:e8");
    }

    @Test
    void savedStateAndCommittedSnapshotSurviveACrash() {
        final Storage storage = open(NODE);
        final PersistentState state = new PersistentState("c", 4, OTHER, List.of(NODE, OTHER));
        storage.state().save(state);
        try (SnapshotStore.Writer writer = storage.snapshots().create(meta(9, 3))) {
            writer.append(bytes("record"));
            writer.commit();
        }

        final Storage recovered = crashAndReopen(storage);

        assertThat(recovered.state().load()).isEqualTo(state);
        assertThat(recovered.snapshots().latest().orElseThrow().index()).isEqualTo(9);
    }

    @Test
    void snapshotBeingWrittenVanishesInACrash() {
        final Storage storage = open(NODE);
        final SnapshotStore.Writer writer = storage.snapshots().create(meta(9, 3));
        writer.append(bytes("record"));

        final Storage recovered = crashAndReopen(storage);

        assertThat(recovered.snapshots().latest()).isEmpty();
        assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
        assertThat(recovered.snapshots().latest()).isEmpty();
    }

    @Test
    void writerDiscardedByALaterCreateCannotCommit() {
        final SnapshotStore snapshots = open(NODE).snapshots();
        final SnapshotStore.Writer first = snapshots.create(meta(5, 1));
        snapshots.create(meta(6, 1));

        assertThatThrownBy(first::commit).isInstanceOf(IllegalStateException.class).hasMessageContaining("discarded");
        assertThat(snapshots.latest()).isEmpty();
    }

    @Test
    void crashOfOpenStorageIsRejected() {
        open(NODE);

        assertThatThrownBy(() -> provider.crash(NODE))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("/mem/node")
            .hasMessageContaining("open");
    }

    @Test
    void crashOfANodeThatNeverOpenedStorageChangesNothing() {
        provider.crash(OTHER);

        assertThat(open(OTHER).log().lastIndex()).isEqualTo(0);
    }

    @Test
    void appendErrorNamesTheExpectedAndActualIndex() {
        final LogStore log = open(NODE).log();
        append(log, 1, 4, 1);

        assertThatThrownBy(() -> log.append(7, 1, bytes("x")))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("expected index 5")
            .hasMessageContaining("actual 7");
    }

    @Test
    void readErrorNamesTheRangeAndTheValidBounds() {
        final LogStore log = open(NODE).log();
        append(log, 1, 9, 1);
        log.compactUpTo(2, 1);

        assertThatThrownBy(() -> log.read(2, 12, 100, (index, term, entry) -> { }))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("[2, 12]")
            .hasMessageContaining("[3, 9]");
    }

    @Test
    void readHandsEveryEntryThroughOneReusedBuffer() {
        final LogStore log = open(NODE).log();
        append(log, 1, 50, 1);
        final Set<ByteBuffer> buffers = Collections.newSetFromMap(new IdentityHashMap<>());

        log.read(1, 50, Integer.MAX_VALUE, (index, term, entry) -> buffers.add(entry));

        assertThat(buffers).hasSize(1);
    }

    @Test
    void aHandlerWritingIntoTheBufferCannotChangeTheStoredEntry() {
        final LogStore log = open(NODE).log();
        log.append(1, 1, bytes("abc"));

        log.read(1, 1, 100, (index, term, entry) -> entry.put(0, (byte)'z'));

        assertThat(entries(log)).containsExactly("1/1:abc");
    }

    @Test
    void compactingAnAlreadyCompactedIndexChangesNothing() {
        final LogStore log = open(NODE).log();
        append(log, 1, 5, 1);
        log.compactUpTo(3, 1);

        log.compactUpTo(2, 1);
        log.compactUpTo(3, 1);

        assertThat(log.firstIndex()).isEqualTo(4);
        assertThat(log.term(3)).isEqualTo(1);
    }

    @Test
    void compactionWithATermThatConflictsWithTheLogIsRejected() {
        final LogStore log = open(NODE).log();
        append(log, 1, 5, 1);

        assertThatThrownBy(() -> log.compactUpTo(3, 2))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("expected the entry's term 1, actual 2");
        assertThat(log.firstIndex()).isEqualTo(1);
    }

    @Test
    void truncationBelowTheCompactionBoundaryIsRejected() {
        final LogStore log = open(NODE).log();
        append(log, 1, 5, 1);
        log.compactUpTo(3, 1);

        assertThatThrownBy(() -> log.truncateAfter(2))
            .isInstanceOf(StorageException.class)
            .hasMessageContaining("expected an index of at least 3")
            .hasMessageContaining("actual 2");
    }

    private Storage open(NodeAddress address) {
        return track(provider.open(context(address)));
    }

    private Storage track(Storage storage) {
        opened.add(storage);
        return storage;
    }

    private Storage crashAndReopen(Storage storage) {
        storage.close();
        provider.crash(NODE);
        return open(NODE);
    }

    static StorageContext context(NodeAddress address) {
        return new StorageContext(address, SkiffOptions.defaults(), Path.of("unused"));
    }

    static SnapshotMeta meta(long index, long term) {
        return new SnapshotMeta(index, term, new byte[0], -1);
    }

    static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Appends entries whose text is {@code eINDEX}. */
    static void append(LogStore log, long from, int count, long term) {
        for (long index = from; index < from + count; index++) {
            log.append(index, term, bytes("e" + index));
        }
    }

    /** @return every entry as {@code index/term:text}. */
    static List<String> entries(LogStore log) {
        final List<String> entries = new ArrayList<>();
        if (log.firstIndex() <= log.lastIndex()) {
            log.read(log.firstIndex(), log.lastIndex(), Integer.MAX_VALUE, (index, term, entry) ->
                entries.add(index + "/" + term + ":" + StandardCharsets.UTF_8.decode(entry)));
        }
        return entries;
    }
}
