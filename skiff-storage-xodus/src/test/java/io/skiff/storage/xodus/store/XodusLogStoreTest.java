package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.LogStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

import static io.skiff.storage.xodus.store.TestStorage.appendRange;
import static io.skiff.storage.xodus.store.TestStorage.bytes;
import static io.skiff.storage.xodus.store.TestStorage.entry;
import static io.skiff.storage.xodus.store.TestStorage.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class XodusLogStoreTest {
    @TempDir
    Path dir;
    private XodusStorage storage;
    private LogStore log;

    @BeforeEach
    void open() {
        storage = TestStorage.open(dir);
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
    void newLogIsEmptyWithTermZeroAtIndexZero() {
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(0);
        assertThat(log.term(0)).isEqualTo(0);
    }

    @Test
    void appendAcceptsOnlyTheNextIndex() {
        assertThatThrownBy(() -> log.append(2, 1, entry(2)))
            .isInstanceOf(StorageException.class).hasMessageContaining("next index is 1");
        log.append(1, 1, entry(1));
        assertThatThrownBy(() -> log.append(1, 1, entry(1))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.append(3, 1, entry(3))).isInstanceOf(StorageException.class);
        log.append(2, 1, entry(2));
        assertThat(log.lastIndex()).isEqualTo(2);
    }

    @Test
    void appendedEntriesAreVisibleBeforeSync() {
        log.append(1, 1, entry(1));
        log.append(2, 2, entry(2));
        log.append(3, 2, entry(3));

        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.term(1)).isEqualTo(1);
        assertThat(log.term(2)).isEqualTo(2);
        final List<TestStorage.Entry> read = readAll(log, 1, 3, Integer.MAX_VALUE);
        assertThat(read).extracting(TestStorage.Entry::index).containsExactly(1L, 2L, 3L);
        assertThat(read).extracting(TestStorage.Entry::term).containsExactly(1L, 2L, 2L);
        assertThat(read.get(1).bytes()).isEqualTo(bytes(entry(2)));
    }

    @Test
    void termOutsideTheLogFails() {
        appendRange(log, 1, 3, 1);
        assertThatThrownBy(() -> log.term(4)).isInstanceOf(StorageException.class).hasMessageContaining("0 to 3");
        assertThatThrownBy(() -> log.term(-1)).isInstanceOf(StorageException.class);
    }

    @Test
    void appendCopiesTheEntryBetweenPositionAndLimitAndLeavesTheBufferAlone() {
        final ByteBuffer buffer = ByteBuffer.allocate(50);
        for (int i = 0; i < 50; i++) {
            buffer.put(i, (byte)i);
        }
        buffer.position(10).limit(30);
        log.append(1, 1, buffer);
        assertThat(buffer.position()).isEqualTo(10);
        assertThat(buffer.limit()).isEqualTo(30);
        buffer.put(15, (byte)99);

        final byte[] stored = readAll(log, 1, 1, 1000).get(0).bytes();
        assertThat(stored).hasSize(20);
        assertThat(stored[0]).isEqualTo((byte)10);
        assertThat(stored[5]).isEqualTo((byte)15);
    }

    @Test
    void directBuffersAndEmptyAndLargeEntriesRoundTrip() {
        final ByteBuffer direct = ByteBuffer.allocateDirect(64);
        direct.put(0, (byte)7).put(63, (byte)9);
        log.append(1, 1, direct);
        log.append(2, 1, ByteBuffer.allocate(0));
        log.append(3, 1, entry(3, 1024 * 1024));
        log.sync();
        reopen();

        final List<TestStorage.Entry> read = readAll(log, 1, 3, Integer.MAX_VALUE);
        assertThat(read.get(0).bytes()).hasSize(64).startsWith((byte)7).endsWith((byte)9);
        assertThat(read.get(1).bytes()).isEmpty();
        assertThat(read.get(2).bytes()).isEqualTo(bytes(entry(3, 1024 * 1024)));
    }

    @Test
    void truncateAfterRemovesLaterEntries() {
        appendRange(log, 1, 5, 1);
        log.truncateAfter(3);

        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.term(3)).isEqualTo(1);
        assertThatThrownBy(() -> log.term(4)).isInstanceOf(StorageException.class);
        log.append(4, 2, entry(40));
        assertThat(readAll(log, 1, 4, Integer.MAX_VALUE)).extracting(TestStorage.Entry::term)
            .containsExactly(1L, 1L, 1L, 2L);
        assertThat(readAll(log, 4, 4, 100).get(0).bytes()).isEqualTo(bytes(entry(40)));
    }

    @Test
    void truncateAfterTheLastIndexChangesNothing() {
        appendRange(log, 1, 3, 1);
        log.truncateAfter(3);
        log.truncateAfter(10);
        assertThat(log.lastIndex()).isEqualTo(3);
    }

    @Test
    void truncateAfterCanEmptyTheLogDownToTheCompactionBoundaryButNotBelow() {
        appendRange(log, 1, 10, 1);
        log.append(11, 3, entry(11));
        log.compactUpTo(5, 1);

        assertThatThrownBy(() -> log.truncateAfter(4))
            .isInstanceOf(StorageException.class).hasMessageContaining("entries up to 5 are compacted");
        log.truncateAfter(5);
        assertThat(log.firstIndex()).isEqualTo(6);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.term(5)).isEqualTo(1);
        log.append(6, 4, entry(6));
        assertThat(log.term(6)).isEqualTo(4);
    }

    @Test
    void compactUpToDiscardsEntriesAndKeepsTheBoundaryTerm() {
        appendRange(log, 1, 4, 1);
        appendRange(log, 5, 10, 2);
        log.compactUpTo(5, 2);

        assertThat(log.firstIndex()).isEqualTo(6);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.term(5)).isEqualTo(2);
        assertThatThrownBy(() -> log.term(4)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> readAll(log, 5, 10, 1000)).isInstanceOf(StorageException.class);
        assertThat(readAll(log, 6, 10, Integer.MAX_VALUE)).extracting(TestStorage.Entry::index)
            .containsExactly(6L, 7L, 8L, 9L, 10L);
    }

    @Test
    void compactUpToAnEarlierIndexChangesNothing() {
        appendRange(log, 1, 10, 1);
        log.compactUpTo(5, 1);
        log.compactUpTo(3, 1);
        log.compactUpTo(5, 1);
        assertThat(log.firstIndex()).isEqualTo(6);
        assertThat(log.term(5)).isEqualTo(1);
    }

    @Test
    void compactBeyondTheLastIndexEmptiesTheLogAndMovesTheNextAppend() {
        appendRange(log, 1, 10, 1);
        log.compactUpTo(20, 7);

        assertThat(log.firstIndex()).isEqualTo(21);
        assertThat(log.lastIndex()).isEqualTo(20);
        assertThat(log.term(20)).isEqualTo(7);
        assertThatThrownBy(() -> log.term(10)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.append(11, 7, entry(11))).isInstanceOf(StorageException.class);
        log.append(21, 7, entry(21));
        assertThat(readAll(log, 21, 21, 0)).extracting(TestStorage.Entry::index).containsExactly(21L);
    }

    @Test
    void compactOnAnEmptyLogMovesTheNextAppend() {
        log.compactUpTo(100, 3);
        log.sync();
        reopen();
        assertThat(log.firstIndex()).isEqualTo(101);
        assertThat(log.lastIndex()).isEqualTo(100);
        assertThat(log.term(100)).isEqualTo(3);
        log.append(101, 3, entry(101));
    }

    @Test
    void readStopsBeforeTheEntryThatWouldExceedMaxBytesButAlwaysReadsOne() {
        appendRange(log, 1, 10, 1);

        assertThat(readAll(log, 1, 10, 250)).hasSize(2);
        assertThat(readAll(log, 1, 10, 300)).hasSize(3);
        assertThat(readAll(log, 4, 10, 0)).extracting(TestStorage.Entry::index).containsExactly(4L);
        assertThat(readAll(log, 1, 10, Integer.MAX_VALUE)).hasSize(10);
        assertThat(log.read(3, 7, Integer.MAX_VALUE, (index, term, entry) -> { })).isEqualTo(5);
    }

    @Test
    void readOutsideTheLogOrOfAReversedRangeFails() {
        appendRange(log, 1, 5, 1);
        assertThatThrownBy(() -> readAll(log, 0, 3, 1000)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> readAll(log, 3, 6, 1000)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> readAll(log, 4, 3, 1000)).isInstanceOf(StorageException.class)
            .hasMessageContaining("expected fromIndex <= toIndex");
    }

    @Test
    void readHandsEachEntryAtPositionZeroOfAReusedView() {
        appendRange(log, 1, 3, 1);
        log.sync();
        final ByteBuffer[] seen = new ByteBuffer[3];
        log.read(1, 3, Integer.MAX_VALUE, (index, term, entry) -> {
            assertThat(entry.position()).isZero();
            assertThat(entry.remaining()).isEqualTo(100);
            entry.position(50);
            seen[(int)index - 1] = entry;
        });
        assertThat(seen[0]).isSameAs(seen[1]).isSameAs(seen[2]);
    }

    @Test
    void anExceptionFromTheHandlerReachesTheCallerUnwrapped() {
        appendRange(log, 1, 3, 1);
        final IllegalStateException thrown = new IllegalStateException("handler failed");
        assertThatThrownBy(() -> log.read(1, 3, 1000, (index, term, entry) -> {
            throw thrown;
        })).isSameAs(thrown);
        assertThat(readAll(log, 1, 3, 1000)).hasSize(3);
    }

    @Test
    void syncedEntriesSurviveReopenAndUnsyncedOnesAreDiscarded() {
        appendRange(log, 1, 5, 1);
        log.sync();
        appendRange(log, 6, 8, 2);
        reopen();

        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.term(5)).isEqualTo(1);
        assertThat(readAll(log, 1, 5, Integer.MAX_VALUE)).extracting(TestStorage.Entry::bytes)
            .containsExactly(bytes(entry(1)), bytes(entry(2)), bytes(entry(3)), bytes(entry(4)), bytes(entry(5)));
        log.append(6, 3, entry(6));
    }

    @Test
    void truncationAndCompactionSurviveReopen() {
        appendRange(log, 1, 10, 1);
        appendRange(log, 11, 20, 2);
        log.sync();
        log.truncateAfter(15);
        log.compactUpTo(8, 1);
        log.sync();
        reopen();

        assertThat(log.firstIndex()).isEqualTo(9);
        assertThat(log.lastIndex()).isEqualTo(15);
        assertThat(log.term(8)).isEqualTo(1);
        assertThat(log.term(15)).isEqualTo(2);
        assertThat(readAll(log, 9, 15, Integer.MAX_VALUE)).hasSize(7);
    }

    @Test
    void manyAppendsAndOneSyncAreOneTransaction() {
        final long before = storage.transactionsCommitted();
        appendRange(log, 1, 1000, 1);
        log.sync();
        assertThat(storage.transactionsCommitted()).isEqualTo(before + 1);

        reopen();
        assertThat(log.lastIndex()).isEqualTo(1000);
        assertThat(readAll(log, 1, 1000, Integer.MAX_VALUE)).hasSize(1000);
    }

    @Test
    void syncWithNothingWrittenCommitsNothing() {
        appendRange(log, 1, 3, 1);
        log.sync();
        final long before = storage.transactionsCommitted();
        log.sync();
        log.sync();
        assertThat(storage.transactionsCommitted()).isEqualTo(before);
    }

    @Test
    void aClosedStorageRefusesEveryCall() {
        storage.close();
        assertThatThrownBy(() -> log.lastIndex()).isInstanceOf(StorageException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> log.append(1, 1, entry(1))).isInstanceOf(StorageException.class);
        storage.close();
        open();
    }
}
