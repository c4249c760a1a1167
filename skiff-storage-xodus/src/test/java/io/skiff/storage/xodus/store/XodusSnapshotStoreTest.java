package io.skiff.storage.xodus.store;

import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.skiff.storage.xodus.store.TestStorage.bytes;
import static io.skiff.storage.xodus.store.TestStorage.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XodusSnapshotStoreTest {
    private static final byte[] CONFIGURATION = {1, 2, 3};

    @TempDir
    Path dir;
    private XodusStorage storage;
    private SnapshotStore snapshots;

    @BeforeEach
    void open() {
        storage = TestStorage.open(dir);
        snapshots = storage.snapshots();
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private void reopen() {
        storage.close();
        open();
    }

    private static SnapshotMeta meta(long index) {
        return new SnapshotMeta(index, 2, CONFIGURATION, -1);
    }

    private void write(long index, int records) {
        try (SnapshotStore.Writer writer = snapshots.create(meta(index))) {
            for (int i = 0; i < records; i++) {
                writer.append(record(index, i));
            }
            writer.commit();
        }
    }

    private static ByteBuffer record(long index, int number) {
        return entry(index * 1_000_000 + number, 10 + number % 50);
    }

    private static List<byte[]> readAll(SnapshotStore.Reader reader) {
        final List<byte[]> records = new ArrayList<>();
        long position = 0;
        int read;
        while ((read = reader.read(position, 7, Integer.MAX_VALUE, record -> records.add(bytes(record)))) > 0) {
            position += read;
        }
        return records;
    }

    private List<String> snapshotStores() {
        return storage.environment().computeInReadonlyTransaction(txn -> {
            final List<String> names = new ArrayList<>();
            for (String name : storage.environment().getAllStoreNames(txn)) {
                if (name.startsWith(SnapshotPointer.STORE_PREFIX)) {
                    names.add(name);
                }
            }
            return names;
        });
    }

    @Test
    void aNewNodeHasNoSnapshot() {
        assertThat(snapshots.latest()).isEmpty();
        assertThat(snapshots.open()).isEmpty();
    }

    @Test
    void aCommittedSnapshotIsTheLatestWithItsRecordCountAndReadsBackInOrder() {
        write(100, 25);

        final SnapshotMeta latest = snapshots.latest().orElseThrow();
        assertThat(latest).isEqualTo(new SnapshotMeta(100, 2, CONFIGURATION, 25));
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            assertThat(reader.meta()).isEqualTo(latest);
            final List<byte[]> records = readAll(reader);
            assertThat(records).hasSize(25);
            for (int i = 0; i < 25; i++) {
                assertThat(records.get(i)).isEqualTo(bytes(record(100, i)));
            }
        }
    }

    @Test
    void aStagedSnapshotIsInvisibleUntilCommit() {
        write(100, 3);
        final SnapshotStore.Writer writer = snapshots.create(meta(200));
        writer.append(record(200, 0));
        writer.append(record(200, 1));
        storage.log().sync();

        assertThat(writer.records()).isEqualTo(2);
        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(100);
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            assertThat(reader.meta().index()).isEqualTo(100);
            assertThat(readAll(reader)).hasSize(3);
        }
        writer.commit();
        assertThat(snapshots.latest().orElseThrow()).isEqualTo(new SnapshotMeta(200, 2, CONFIGURATION, 2));
    }

    @Test
    void commitRemovesThePreviousSnapshot() {
        write(100, 3);
        write(200, 4);
        write(300, 5);
        assertThat(snapshotStores()).hasSize(1);
        reopen();
        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(300);
        assertThat(snapshotStores()).hasSize(1);
    }

    @Test
    void abortDiscardsTheStagedSnapshotAndKeepsTheLatest() {
        write(100, 3);
        final SnapshotStore.Writer writer = snapshots.create(meta(200));
        writer.append(record(200, 0));
        writer.abort();

        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(100);
        assertThat(snapshotStores()).hasSize(1);
        assertThatThrownBy(() -> writer.append(record(200, 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingAnUncommittedWriterAborts() {
        try (SnapshotStore.Writer writer = snapshots.create(meta(100))) {
            writer.append(record(100, 0));
        }
        assertThat(snapshots.latest()).isEmpty();
        assertThat(snapshotStores()).isEmpty();
    }

    @Test
    void creatingASnapshotDiscardsTheUnfinishedOne() {
        final SnapshotStore.Writer first = snapshots.create(meta(100));
        first.append(record(100, 0));
        final SnapshotStore.Writer second = snapshots.create(meta(200));
        second.append(record(200, 0));
        second.commit();

        assertThatThrownBy(() -> first.append(record(100, 1))).isInstanceOf(IllegalStateException.class);
        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(200);
        assertThat(snapshotStores()).hasSize(1);
    }

    @Test
    void aCommittedSnapshotSurvivesReopen() {
        write(100, 30);
        reopen();
        assertThat(snapshots.latest().orElseThrow()).isEqualTo(new SnapshotMeta(100, 2, CONFIGURATION, 30));
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            assertThat(readAll(reader)).hasSize(30);
        }
    }

    @Test
    void aSnapshotStagedWhenTheStorageClosedIsGoneAfterReopen() {
        write(100, 3);
        final SnapshotStore.Writer writer = snapshots.create(meta(200));
        for (int i = 0; i < 10; i++) {
            writer.append(record(200, i));
        }
        storage.log().sync();
        assertThat(snapshotStores()).hasSize(2);

        reopen();
        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(100);
        assertThat(snapshotStores()).hasSize(1);
        write(300, 2);
        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(300);
    }

    @Test
    void readPagesByPositionRecordCountAndBytes() {
        write(100, 20);
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            final List<byte[]> page = new ArrayList<>();
            assertThat(reader.read(5, 3, Integer.MAX_VALUE, record -> page.add(bytes(record)))).isEqualTo(3);
            assertThat(page).containsExactly(bytes(record(100, 5)), bytes(record(100, 6)), bytes(record(100, 7)));

            final int sizeOf10 = record(100, 10).remaining();
            final int sizeOf11 = record(100, 11).remaining();
            assertThat(reader.read(10, 100, sizeOf10 + sizeOf11, record -> { })).isEqualTo(2);
            assertThat(reader.read(10, 100, sizeOf10 + sizeOf11 - 1, record -> { })).isEqualTo(1);
            assertThat(reader.read(10, 100, 0, record -> { })).isEqualTo(1);
            assertThat(reader.read(18, 100, Integer.MAX_VALUE, record -> { })).isEqualTo(2);
            assertThat(reader.read(20, 100, Integer.MAX_VALUE, record -> { })).isZero();
            assertThatThrownBy(() -> reader.read(0, 0, 100, record -> { }))
                .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void anEmptySnapshotCommitsAndReadsNothing() {
        write(100, 0);
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            assertThat(reader.meta().records()).isZero();
            assertThat(reader.read(0, 10, 100, record -> { })).isZero();
        }
    }

    @Test
    void aSnapshotLargerThanOneStagingBatchIsCompleteAndStagedInSeveralTransactions() {
        final int records = 100;
        final int recordBytes = 100 * 1024;
        final long before = storage.transactionsCommitted();
        try (SnapshotStore.Writer writer = snapshots.create(meta(100))) {
            for (int i = 0; i < records; i++) {
                writer.append(entry(i, recordBytes));
            }
            writer.commit();
        }
        assertThat(storage.transactionsCommitted() - before)
            .isGreaterThanOrEqualTo((long)records * recordBytes / XodusSnapshotStore.FLUSH_BYTES);
        reopen();
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            final int[] seen = {0};
            reader.read(0, records, Integer.MAX_VALUE, record -> {
                assertThat(bytes(record)).isEqualTo(bytes(entry(seen[0], recordBytes)));
                seen[0]++;
            });
            assertThat(seen[0]).isEqualTo(records);
        }
    }

    @Test
    void anOpenReaderKeepsReadingItsSnapshotAfterANewerOneReplacesIt() {
        write(100, 10);
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            write(200, 5);
            storage.environment().gc();
            assertThat(reader.meta().index()).isEqualTo(100);
            final List<byte[]> records = readAll(reader);
            assertThat(records).hasSize(10);
            assertThat(records.get(9)).isEqualTo(bytes(record(100, 9)));
        }
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            assertThat(readAll(reader)).hasSize(5);
        }
    }

    @Test
    void aReaderCanBeUsedFromAnotherThreadThanTheLoop() throws Exception {
        write(100, 12);
        final ExecutorService sender = Executors.newSingleThreadExecutor();
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            final List<byte[]> records = sender.submit(() -> readAll(reader)).get(30, TimeUnit.SECONDS);
            storage.log().append(1, 1, entry(1));
            storage.log().sync();
            assertThat(records).hasSize(12);
            assertThat(records.get(11)).isEqualTo(bytes(record(100, 11)));
        } finally {
            sender.shutdown();
        }
    }

    @Test
    void closingTheStorageEndsOpenReaders() {
        write(100, 10);
        final SnapshotStore.Reader reader = snapshots.open().orElseThrow();
        reopen();
        assertThatThrownBy(() -> reader.read(0, 1, 100, record -> { })).isInstanceOf(IllegalStateException.class);
    }
}
