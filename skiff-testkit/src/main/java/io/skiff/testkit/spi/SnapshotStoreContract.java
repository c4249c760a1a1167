package io.skiff.testkit.spi;

import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.Storage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of {@link SnapshotStore}: a snapshot is staged invisibly and becomes the latest only on commit,
 * replacing the previous one; abort and close discard it; a reader pages through records by position, bounded by
 * count and bytes; a committed snapshot survives a restart.
 */
public abstract class SnapshotStoreContract extends StorageContract {
    private static final byte[] CONFIGURATION = "members:a,b,c".getBytes(StandardCharsets.UTF_8);

    @Test
    public void newStoreHasNoSnapshot() {
        final SnapshotStore snapshots = open().snapshots();

        assertThat(snapshots.latest()).isEmpty();
        assertThat(snapshots.open()).isEmpty();
    }

    @Test
    public void stagedSnapshotIsInvisibleUntilCommitted() {
        final SnapshotStore snapshots = open().snapshots();
        try (SnapshotStore.Writer writer = snapshots.create(meta(10, 2))) {
            writer.append(bytes("r0"));
            writer.append(bytes("r1"));

            assertThat(snapshots.latest()).isEmpty();
            assertThat(snapshots.open()).isEmpty();

            writer.commit();
        }

        assertThat(snapshots.latest()).isPresent();
    }

    @Test
    public void commitMakesTheSnapshotLatestWithItsRecordCount() {
        final SnapshotStore snapshots = open().snapshots();

        write(snapshots, meta(10, 2), "r0", "r1", "r2");

        final SnapshotMeta latest = snapshots.latest().orElseThrow();
        assertThat(latest.index()).isEqualTo(10);
        assertThat(latest.term()).isEqualTo(2);
        assertThat(latest.configuration()).isEqualTo(CONFIGURATION);
        assertThat(latest.records()).isEqualTo(3);
    }

    @Test
    public void writerReportsItsSnapshotAndCountsRecords() {
        final SnapshotStore snapshots = open().snapshots();
        try (SnapshotStore.Writer writer = snapshots.create(meta(10, 2))) {
            assertThat(writer.records()).isEqualTo(0);
            writer.append(bytes("r0"));
            writer.append(bytes("r1"));

            assertThat(writer.records()).isEqualTo(2);
            assertThat(writer.meta().index()).isEqualTo(10);
            assertThat(writer.meta().term()).isEqualTo(2);
            assertThat(writer.meta().configuration()).isEqualTo(CONFIGURATION);
        }
    }

    @Test
    public void commitReplacesThePreviousSnapshot() {
        final SnapshotStore snapshots = open().snapshots();
        write(snapshots, meta(10, 2), "old-0", "old-1");

        write(snapshots, meta(20, 3), "new-0");

        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(20);
        assertThat(readAll(snapshots)).containsExactly("new-0");
    }

    @Test
    public void abortDiscardsTheStagedSnapshotAndKeepsThePrevious() {
        final SnapshotStore snapshots = open().snapshots();
        write(snapshots, meta(10, 2), "old-0");

        final SnapshotStore.Writer writer = snapshots.create(meta(20, 3));
        writer.append(bytes("new-0"));
        writer.abort();
        writer.close();

        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(10);
        assertThat(readAll(snapshots)).containsExactly("old-0");
    }

    @Test
    public void closeWithoutCommitAborts() {
        final SnapshotStore snapshots = open().snapshots();
        try (SnapshotStore.Writer writer = snapshots.create(meta(20, 3))) {
            writer.append(bytes("new-0"));
        }

        assertThat(snapshots.latest()).isEmpty();
    }

    @Test
    public void createDiscardsAnEarlierUnfinishedSnapshot() {
        final SnapshotStore snapshots = open().snapshots();
        final SnapshotStore.Writer first = snapshots.create(meta(10, 2));
        first.append(bytes("first-0"));

        write(snapshots, meta(12, 2), "second-0");

        assertThat(snapshots.latest().orElseThrow().index()).isEqualTo(12);
        assertThat(readAll(snapshots)).containsExactly("second-0");
    }

    @Test
    public void appendCopiesTheRecord() {
        final SnapshotStore snapshots = open().snapshots();
        final byte[] backing = "xrecordx".getBytes(StandardCharsets.UTF_8);
        try (SnapshotStore.Writer writer = snapshots.create(meta(10, 2))) {
            writer.append(ByteBuffer.wrap(backing, 1, 6));
            backing[1] = 'R';
            writer.commit();
        }

        assertThat(readAll(snapshots)).containsExactly("record");
    }

    @Test
    public void emptySnapshotCommitsWithNoRecords() {
        final SnapshotStore snapshots = open().snapshots();

        write(snapshots, meta(5, 1));

        assertThat(snapshots.latest().orElseThrow().records()).isEqualTo(0);
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            assertThat(reader.read(0, 10, 1000, record -> { })).isEqualTo(0);
        }
    }

    @Test
    public void readerReadsRecordsInOrderFromAPositionAndReadsNothingAtTheEnd() {
        final SnapshotStore snapshots = open().snapshots();
        write(snapshots, meta(10, 2), "r0", "r1", "r2", "r3", "r4");

        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            assertThat(reader.meta().index()).isEqualTo(10);
            assertThat(reader.meta().records()).isEqualTo(5);
            assertThat(read(reader, 0, 3, Integer.MAX_VALUE)).containsExactly("r0", "r1", "r2");
            assertThat(read(reader, 3, 3, Integer.MAX_VALUE)).containsExactly("r3", "r4");
            assertThat(read(reader, 1, 1, Integer.MAX_VALUE)).containsExactly("r1");
            assertThat(read(reader, 5, 3, Integer.MAX_VALUE)).isEmpty();
        }
    }

    @Test
    public void readerStopsBeforeTheRecordThatWouldExceedMaxBytesButReadsTheFirst() {
        final SnapshotStore snapshots = open().snapshots();
        write(snapshots, meta(10, 2), "0123456789", "0123456789", "0123456789");

        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            assertThat(read(reader, 0, 10, 5)).hasSize(1);
            assertThat(read(reader, 0, 10, 0)).hasSize(1);
            assertThat(read(reader, 0, 10, 25)).hasSize(2);
            assertThat(read(reader, 0, 10, 30)).hasSize(3);
        }
    }

    @Test
    public void readerPagesThroughALargeSnapshot() {
        final SnapshotStore snapshots = open().snapshots();
        final String[] records = new String[2000];
        for (int i = 0; i < records.length; i++) {
            records[i] = "record-" + i;
        }
        write(snapshots, meta(3000, 4), records);

        final List<String> read = new ArrayList<>();
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            long position = 0;
            int count;
            while ((count = reader.read(position, 64, 512, record -> read.add(text(record)))) > 0) {
                position += count;
            }
        }

        assertThat(read).containsExactly(records);
    }

    @Test
    public void committedSnapshotSurvivesARestart() {
        Storage storage = open();
        write(storage.snapshots(), meta(10, 2), "r0", "r1");

        storage = reopen(storage);

        final SnapshotMeta latest = storage.snapshots().latest().orElseThrow();
        assertThat(latest.index()).isEqualTo(10);
        assertThat(latest.term()).isEqualTo(2);
        assertThat(latest.configuration()).isEqualTo(CONFIGURATION);
        assertThat(latest.records()).isEqualTo(2);
        assertThat(readAll(storage.snapshots())).containsExactly("r0", "r1");
    }

    /**
     * @param index the last index covered.
     * @param term  its term.
     * @return metadata of a snapshot being written.
     */
    protected static SnapshotMeta meta(long index, long term) {
        return new SnapshotMeta(index, term, CONFIGURATION, -1);
    }

    /**
     * Writes and commits a snapshot.
     *
     * @param snapshots the store.
     * @param meta      what it covers.
     * @param records   its records.
     */
    protected static void write(SnapshotStore snapshots, SnapshotMeta meta, String... records) {
        try (SnapshotStore.Writer writer = snapshots.create(meta)) {
            for (String record : records) {
                writer.append(bytes(record));
            }
            writer.commit();
        }
    }

    /**
     * @param snapshots the store.
     * @return the records of the latest snapshot, read in one call.
     */
    protected static List<String> readAll(SnapshotStore snapshots) {
        try (SnapshotStore.Reader reader = snapshots.open().orElseThrow()) {
            return read(reader, 0, Integer.MAX_VALUE, Integer.MAX_VALUE);
        }
    }

    private static List<String> read(SnapshotStore.Reader reader, long from, int maxRecords, int maxBytes) {
        final List<String> read = new ArrayList<>();
        reader.read(from, maxRecords, maxBytes, record -> read.add(text(record)));
        return read;
    }
}
