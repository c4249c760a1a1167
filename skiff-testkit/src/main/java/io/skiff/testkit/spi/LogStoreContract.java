package io.skiff.testkit.spi;

import io.skiff.StorageException;
import io.skiff.spi.LogStore;
import io.skiff.spi.Storage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules of {@link LogStore}: indexes and terms, appends only at the next index, truncation, compaction
 * (including beyond the last entry, when a snapshot is installed), reads bounded by bytes, and synced data
 * surviving a restart.
 */
public abstract class LogStoreContract extends StorageContract {
    /** One entry as read back. */
    protected record Entry(long index, long term, String text) {
    }

    @Test
    public void newLogIsEmptyWithTermZeroAtIndexZero() {
        final LogStore log = open().log();

        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(0);
        assertThat(log.term(0)).isEqualTo(0);
    }

    @Test
    public void appendAtNextIndexExtendsLog() {
        final LogStore log = open().log();

        log.append(1, 1, bytes("a"));
        log.append(2, 1, bytes("b"));
        log.append(3, 2, bytes("c"));

        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(readAll(log)).containsExactly(new Entry(1, 1, "a"), new Entry(2, 1, "b"), new Entry(3, 2, "c"));
    }

    @Test
    public void appendRejectsAnIndexThatIsNotTheNext() {
        final LogStore log = open().log();
        log.append(1, 1, bytes("a"));

        assertThatThrownBy(() -> log.append(3, 1, bytes("gap"))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.append(1, 1, bytes("again"))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.append(0, 1, bytes("zero"))).isInstanceOf(StorageException.class);
        assertThat(log.lastIndex()).isEqualTo(1);
        assertThat(readAll(log)).containsExactly(new Entry(1, 1, "a"));
    }

    @Test
    public void appendCopiesTheEntryBetweenPositionAndLimitAndLeavesTheBufferAsItWas() {
        final LogStore log = open().log();
        final byte[] backing = "xxabcyy".getBytes(StandardCharsets.UTF_8);
        final ByteBuffer entry = ByteBuffer.wrap(backing).position(2).limit(5);

        log.append(1, 1, entry);
        backing[2] = 'z';

        assertThat(entry.position()).isEqualTo(2);
        assertThat(entry.limit()).isEqualTo(5);
        assertThat(readAll(log)).containsExactly(new Entry(1, 1, "abc"));
    }

    @Test
    public void emptyEntryIsStoredAndReadBackEmpty() {
        final LogStore log = open().log();

        log.append(1, 1, ByteBuffer.allocate(0));

        assertThat(readAll(log)).containsExactly(new Entry(1, 1, ""));
    }

    @Test
    public void termAnswersForEveryIndexFromFirstIndexMinusOneToLastIndex() {
        final LogStore log = open().log();
        append(log, 1, 5, 1);
        append(log, 6, 5, 2);
        log.compactUpTo(3, 1);

        assertThat(log.term(3)).isEqualTo(1);
        assertThat(log.term(4)).isEqualTo(1);
        assertThat(log.term(5)).isEqualTo(1);
        assertThat(log.term(6)).isEqualTo(2);
        assertThat(log.term(10)).isEqualTo(2);
    }

    @Test
    public void termOutsideTheLogIsRejected() {
        final LogStore log = open().log();
        assertThatThrownBy(() -> log.term(1)).isInstanceOf(StorageException.class);

        append(log, 1, 5, 1);
        log.compactUpTo(3, 1);

        assertThatThrownBy(() -> log.term(2)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.term(6)).isInstanceOf(StorageException.class);
    }

    @Test
    public void readDeliversEntriesOfTheRangeInIndexOrderAndCountsThem() {
        final LogStore log = open().log();
        append(log, 1, 10, 3);
        final List<Entry> read = new ArrayList<>();

        final int count = log.read(4, 7, Integer.MAX_VALUE, into(read));

        assertThat(count).isEqualTo(4);
        assertThat(read).containsExactly(new Entry(4, 3, "entry-4"), new Entry(5, 3, "entry-5"),
            new Entry(6, 3, "entry-6"), new Entry(7, 3, "entry-7"));
    }

    @Test
    public void readAlwaysDeliversTheFirstEntryEvenWhenItExceedsMaxBytes() {
        final LogStore log = open().log();
        append(log, 1, 3, 1);
        final List<Entry> read = new ArrayList<>();

        final int count = log.read(1, 3, 1, into(read));

        assertThat(count).isEqualTo(1);
        assertThat(read).containsExactly(new Entry(1, 1, "entry-1"));
        assertThat(log.read(2, 3, 0, (index, term, entry) -> { })).isEqualTo(1);
    }

    @Test
    public void readStopsBeforeTheEntryThatWouldExceedMaxBytes() {
        final LogStore log = open().log();
        for (long index = 1; index <= 5; index++) {
            log.append(index, 1, bytes("0123456789"));
        }

        assertThat(log.read(1, 5, 25, (index, term, entry) -> { })).isEqualTo(2);
        assertThat(log.read(1, 5, 29, (index, term, entry) -> { })).isEqualTo(2);
        assertThat(log.read(1, 5, 30, (index, term, entry) -> { })).isEqualTo(3);
        assertThat(log.read(1, 5, 1000, (index, term, entry) -> { })).isEqualTo(5);
    }

    @Test
    public void readOutsideTheLogIsRejected() {
        final LogStore log = open().log();
        append(log, 1, 10, 1);
        log.compactUpTo(4, 1);

        assertThatThrownBy(() -> log.read(4, 6, 100, (index, term, entry) -> { }))
            .isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.read(5, 11, 100, (index, term, entry) -> { }))
            .isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.read(7, 6, 100, (index, term, entry) -> { }))
            .isInstanceOf(StorageException.class);
    }

    @Test
    public void truncateAfterRemovesLaterEntriesAndTheNextAppendReplacesThem() {
        final LogStore log = open().log();
        append(log, 1, 5, 1);

        log.truncateAfter(3);

        assertThat(log.lastIndex()).isEqualTo(3);
        assertThatThrownBy(() -> log.term(4)).isInstanceOf(StorageException.class);
        log.append(4, 2, bytes("new-4"));
        assertThat(readAll(log)).containsExactly(new Entry(1, 1, "entry-1"), new Entry(2, 1, "entry-2"),
            new Entry(3, 1, "entry-3"), new Entry(4, 2, "new-4"));
    }

    @Test
    public void truncateAfterTheLastIndexChangesNothing() {
        final LogStore log = open().log();
        append(log, 1, 3, 1);

        log.truncateAfter(3);
        log.truncateAfter(7);

        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(readAll(log)).hasSize(3);
    }

    @Test
    public void truncateAfterFirstIndexMinusOneEmptiesTheLogAndKeepsTheCompactionBoundary() {
        final LogStore log = open().log();
        append(log, 1, 6, 2);
        log.compactUpTo(3, 2);

        log.truncateAfter(3);

        assertThat(log.firstIndex()).isEqualTo(4);
        assertThat(log.lastIndex()).isEqualTo(3);
        assertThat(log.term(3)).isEqualTo(2);
        log.append(4, 3, bytes("new-4"));
        assertThat(readAll(log)).containsExactly(new Entry(4, 3, "new-4"));
    }

    @Test
    public void compactUpToDiscardsThePrefixAndKeepsTheTermOfItsLastEntry() {
        final LogStore log = open().log();
        append(log, 1, 4, 1);
        append(log, 5, 4, 2);

        log.compactUpTo(5, 2);

        assertThat(log.firstIndex()).isEqualTo(6);
        assertThat(log.lastIndex()).isEqualTo(8);
        assertThat(log.term(5)).isEqualTo(2);
        assertThatThrownBy(() -> log.term(4)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.read(5, 8, 100, (index, term, entry) -> { }))
            .isInstanceOf(StorageException.class);
        assertThat(readAll(log)).extracting(Entry::index).containsExactly(6L, 7L, 8L);
    }

    @Test
    public void compactUpToTheLastIndexEmptiesTheLogAndAppendsContinueAfterIt() {
        final LogStore log = open().log();
        append(log, 1, 4, 1);

        log.compactUpTo(4, 1);

        assertThat(log.firstIndex()).isEqualTo(5);
        assertThat(log.lastIndex()).isEqualTo(4);
        assertThat(log.term(4)).isEqualTo(1);
        log.append(5, 2, bytes("entry-5"));
        assertThat(readAll(log)).containsExactly(new Entry(5, 2, "entry-5"));
    }

    @Test
    public void compactUpToBeyondTheLastIndexEmptiesTheLogAndMovesTheNextAppend() {
        final LogStore log = open().log();
        append(log, 1, 4, 1);

        log.compactUpTo(20, 3);

        assertThat(log.firstIndex()).isEqualTo(21);
        assertThat(log.lastIndex()).isEqualTo(20);
        assertThat(log.term(20)).isEqualTo(3);
        assertThatThrownBy(() -> log.append(5, 3, bytes("old next"))).isInstanceOf(StorageException.class);
        log.append(21, 3, bytes("entry-21"));
        assertThat(readAll(log)).containsExactly(new Entry(21, 3, "entry-21"));
    }

    @Test
    public void compactUpToBeyondTheLastIndexOfAnEmptyLogInstallsTheBoundary() {
        final LogStore log = open().log();

        log.compactUpTo(7, 2);

        assertThat(log.firstIndex()).isEqualTo(8);
        assertThat(log.lastIndex()).isEqualTo(7);
        assertThat(log.term(7)).isEqualTo(2);
    }

    @Test
    public void manyAppendsAndCompactionsKeepEveryIndexAndEntry() {
        final LogStore log = open().log();
        for (long index = 1; index <= 3000; index++) {
            log.append(index, index / 100 + 1, bytes("entry-" + index));
            if (index % 250 == 0) {
                log.compactUpTo(index - 100, (index - 100) / 100 + 1);
            }
        }

        assertThat(log.firstIndex()).isEqualTo(2901);
        assertThat(log.lastIndex()).isEqualTo(3000);
        assertThat(log.term(2900)).isEqualTo(30);
        final List<Entry> read = readAll(log);
        assertThat(read).hasSize(100);
        for (Entry entry : read) {
            assertThat(entry.text()).isEqualTo("entry-" + entry.index());
            assertThat(entry.term()).isEqualTo(entry.index() / 100 + 1);
        }
    }

    @Test
    public void readPagesThroughALongLogByMaxBytes() {
        final LogStore log = open().log();
        append(log, 1, 2000, 1);
        final List<Entry> read = new ArrayList<>();

        long next = 1;
        while (next <= log.lastIndex()) {
            next += log.read(next, log.lastIndex(), 1000, into(read));
        }

        assertThat(read).hasSize(2000);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i)).isEqualTo(new Entry(i + 1, 1, "entry-" + (i + 1)));
        }
    }

    @Test
    public void syncedEntriesSurviveARestart() {
        Storage storage = open();
        append(storage.log(), 1, 5, 1);
        append(storage.log(), 6, 2, 2);
        storage.log().sync();

        storage = reopen(storage);

        final LogStore log = storage.log();
        assertThat(log.firstIndex()).isEqualTo(1);
        assertThat(log.lastIndex()).isEqualTo(7);
        assertThat(log.term(7)).isEqualTo(2);
        assertThat(readAll(log)).extracting(Entry::text)
            .containsExactly("entry-1", "entry-2", "entry-3", "entry-4", "entry-5", "entry-6", "entry-7");
        log.append(8, 2, bytes("entry-8"));
        assertThat(log.lastIndex()).isEqualTo(8);
    }

    @Test
    public void syncedTruncationAndCompactionSurviveARestart() {
        Storage storage = open();
        append(storage.log(), 1, 10, 1);
        storage.log().truncateAfter(8);
        storage.log().compactUpTo(4, 1);
        storage.log().sync();

        storage = reopen(storage);

        final LogStore log = storage.log();
        assertThat(log.firstIndex()).isEqualTo(5);
        assertThat(log.lastIndex()).isEqualTo(8);
        assertThat(log.term(4)).isEqualTo(1);
        assertThat(readAll(log)).extracting(Entry::index).containsExactly(5L, 6L, 7L, 8L);
    }

    @Test
    public void syncedCompactionBeyondTheLastIndexSurvivesARestart() {
        Storage storage = open();
        append(storage.log(), 1, 3, 1);
        storage.log().compactUpTo(50, 4);
        storage.log().sync();

        storage = reopen(storage);

        final LogStore log = storage.log();
        assertThat(log.firstIndex()).isEqualTo(51);
        assertThat(log.lastIndex()).isEqualTo(50);
        assertThat(log.term(50)).isEqualTo(4);
        log.append(51, 4, bytes("entry-51"));
        assertThat(readAll(log)).containsExactly(new Entry(51, 4, "entry-51"));
    }

    /**
     * Appends entries whose text is {@code entry-INDEX}.
     *
     * @param log   the log.
     * @param from  the first index, the log's next.
     * @param count how many.
     * @param term  their term.
     */
    protected static void append(LogStore log, long from, int count, long term) {
        for (long index = from; index < from + count; index++) {
            log.append(index, term, bytes("entry-" + index));
        }
    }

    /**
     * @param log the log.
     * @return every entry held, read in one call.
     */
    protected static List<Entry> readAll(LogStore log) {
        final List<Entry> read = new ArrayList<>();
        if (log.firstIndex() <= log.lastIndex()) {
            log.read(log.firstIndex(), log.lastIndex(), Integer.MAX_VALUE, into(read));
        }
        return read;
    }

    /**
     * @param read where to collect entries.
     * @return a handler that adds each entry read, decoded, to {@code read}.
     */
    protected static LogStore.EntryHandler into(List<Entry> read) {
        return (index, term, entry) -> read.add(new Entry(index, term, text(entry)));
    }
}
