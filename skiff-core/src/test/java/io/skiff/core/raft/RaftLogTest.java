package io.skiff.core.raft;

import io.skiff.NodeAddress;
import io.skiff.SkiffOptions;
import io.skiff.core.codec.Checksums;
import io.skiff.core.codec.EntryBatch;
import io.skiff.core.codec.EntryBatches;
import io.skiff.core.codec.LogEntry;
import io.skiff.core.storage.MemoryStorageProvider;
import io.skiff.spi.LogStore;
import io.skiff.spi.StorageContext;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RaftLogTest {
    private CountingLogStore store;

    @BeforeEach
    void openStore() {
        final LogStore log = new MemoryStorageProvider()
            .open(new StorageContext(NodeAddress.parse("/mem/a"), SkiffOptions.defaults(), Path.of("unused"))).log();
        store = new CountingLogStore(log);
    }

    @Test
    void persistedEntriesAreServedFromMemory() {
        final RaftLog log = new RaftLog(store);
        appendCommands(log, 1, 1, 100);
        persist(log);
        store.reads = 0;
        store.termReads = 0;

        assertThat(payloads(log, 1, 100)).hasSize(100).startsWith("e1").endsWith("e100");
        assertThat(copyIndexes(log, 40, 1000)).as("stops before 1000 bytes").containsExactly(40L, 71L);
        assertThat(copyIndexes(log, 40, 1 << 20)).containsExactly(40L, 100L);
        assertThat(log.term(73)).isEqualTo(1);
        assertThat(store.reads).isZero();
        assertThat(store.termReads).isZero();
    }

    @Test
    void evictsTheOldestHalfPastTheBoundAndReadsThemFromTheStore() {
        final int entryLength = LogEntry.HEADER_LENGTH + "e100".length();
        final RaftLog log = new RaftLog(store, 40 * entryLength);
        for (int i = 1; i <= 100; i++) {
            appendCommands(log, 1, i, i);
            persist(log);
        }
        store.reads = 0;

        assertThat(payloads(log, 1, 100)).hasSize(100).startsWith("e1", "e2").endsWith("e100");
        assertThat(store.reads).isPositive();
        final int readsOfOldEntries = store.reads;
        assertThat(payloads(log, 90, 100)).hasSize(11).startsWith("e90").endsWith("e100");
        assertThat(store.reads).as("the newest entries stay cached").isEqualTo(readsOfOldEntries);
        assertThat(copyIndexes(log, 1, 1 << 20)).containsExactly(1L, 100L);
        for (long index = 1; index <= 100; index++) {
            assertThat(log.term(index)).isEqualTo(1);
        }
        assertThat(log.lastIndex()).isEqualTo(100);
        assertThat(log.persistedIndex()).isEqualTo(100);
    }

    @Test
    void conflictWithPersistedCachedEntriesTruncatesTheStoreToo() {
        final RaftLog log = new RaftLog(store);
        appendCommands(log, 1, 1, 10);
        persist(log);

        final long first = log.appendFromLeader(batch(2, 6, 8), 5);

        assertThat(first).isEqualTo(6);
        assertThat(log.pendingTruncation()).isEqualTo(5);
        assertThat(log.unstableOffset()).isEqualTo(6);
        assertThat(log.unstableCount()).isEqualTo(3);
        assertThat(log.lastIndex()).isEqualTo(8);
        assertThat(log.persistedIndex()).isEqualTo(5);
        assertThat(log.term(5)).isEqualTo(1);
        assertThat(log.term(6)).isEqualTo(2);
        assertThat(log.term(9)).isEqualTo(-1);
        persist(log);
        assertThat(store.lastIndex()).isEqualTo(8);
        assertThat(store.term(6)).isEqualTo(2);
        assertThat(payloads(log, 4, 8)).containsExactly("e4", "e5", "e6", "e7", "e8");
    }

    @Test
    void conflictBeforeTheCacheShadowsTheStoreUntilPersisted() {
        final RaftLog log = new RaftLog(store, 0);
        appendCommands(log, 1, 1, 10);
        persist(log);

        log.appendFromLeader(batch(3, 4, 5), 3);

        assertThat(log.pendingTruncation()).isEqualTo(3);
        assertThat(log.lastIndex()).isEqualTo(5);
        assertThat(log.term(3)).isEqualTo(1);
        assertThat(log.term(4)).isEqualTo(3);
        assertThat(log.term(7)).as("stale stored entry").isEqualTo(-1);
        persist(log);
        assertThat(store.lastIndex()).isEqualTo(5);
    }

    @Test
    void entriesAlreadyPresentAreKept() {
        final RaftLog log = new RaftLog(store);
        appendCommands(log, 2, 1, 10);
        persist(log);

        assertThat(log.appendFromLeader(batch(2, 3, 7), 0)).isEqualTo(-1);
        assertThat(log.lastIndex()).isEqualTo(10);
        assertThat(log.unstableCount()).isZero();
    }

    @Test
    void conflictWithACommittedEntryIsRefused() {
        final RaftLog log = new RaftLog(store);
        appendCommands(log, 1, 1, 10);
        persist(log);

        assertThatThrownBy(() -> log.appendFromLeader(batch(2, 4, 6), 5))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("entry 4 conflicts with the leader but is committed (5)");
    }

    @Test
    void compactedEntriesAnswerNoTermEvenWhileCached() {
        final RaftLog log = new RaftLog(store);
        appendCommands(log, 1, 1, 10);
        persist(log);

        store.compactUpTo(5, 1);

        assertThat(log.firstIndex()).isEqualTo(6);
        assertThat(log.term(4)).isEqualTo(-1);
        assertThat(log.term(5)).isEqualTo(1);
        assertThat(log.findConflictByTerm(3, 1)).isEqualTo(3);
    }

    @Test
    void afterASnapshotTheLogContinuesAfterTheStoreEnd() {
        final RaftLog log = new RaftLog(store);
        appendCommands(log, 1, 1, 10);
        persist(log);
        appendCommands(log, 1, 11, 12);
        store.truncateAfter(0);
        store.compactUpTo(20, 3);

        log.resetAfterSnapshot();

        assertThat(log.unstableCount()).isZero();
        assertThat(log.lastIndex()).isEqualTo(20);
        assertThat(log.term(20)).isEqualTo(3);
        assertThat(log.term(10)).isEqualTo(-1);
        appendCommands(log, 4, 21, 21);
        assertThat(log.unstableOffset()).isEqualTo(21);
        persist(log);
        assertThat(payloads(log, 21, 21)).containsExactly("e21");
    }

    @Test
    void unstableEntriesAreTheOnlyOnesHandedToStorage() {
        final RaftLog log = new RaftLog(store);
        appendCommands(log, 1, 1, 3);
        persist(log);
        appendCommands(log, 1, 4, 5);

        assertThat(log.unstableOffset()).isEqualTo(4);
        assertThat(log.unstableCount()).isEqualTo(2);
        assertThat(log.unstableTerm(1)).isEqualTo(1);
        final ByteBuffer entry = log.unstableEntry(1);
        assertThat(LogEntry.index(new UnsafeBuffer(entry, entry.position(), entry.remaining()), 0)).isEqualTo(5);
        assertThat(log.persistedIndex()).isEqualTo(3);
    }

    @Test
    void aNegativeCacheBoundIsRefused() {
        assertThatThrownBy(() -> new RaftLog(store, -1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("cacheBytes must be >= 0, was -1");
    }

    private static void appendCommands(RaftLog log, long term, int from, int to) {
        for (int i = from; i <= to; i++) {
            final byte[] payload = ("e" + i).getBytes(StandardCharsets.US_ASCII);
            assertThat(log.append(term, LogEntry.TYPE_COMMAND, new UnsafeBuffer(payload), 0, payload.length))
                .isEqualTo(i);
        }
    }

    /** What the runtime does with the unstable tail. */
    private void persist(RaftLog log) {
        if (log.pendingTruncation() >= 0) {
            store.truncateAfter(log.pendingTruncation());
        }
        for (int i = 0; i < log.unstableCount(); i++) {
            store.append(log.unstableOffset() + i, log.unstableTerm(i), log.unstableEntry(i));
        }
        store.sync();
        log.markPersisted();
    }

    private static EntryBatch batch(long term, int from, int to) {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
        final Checksums checksums = new Checksums();
        int offset = 0;
        for (int i = from; i <= to; i++) {
            final byte[] payload = ("e" + i).getBytes(StandardCharsets.US_ASCII);
            buffer.putBytes(offset + LogEntry.HEADER_LENGTH, payload);
            offset += LogEntry.seal(buffer, offset, i, term, LogEntry.TYPE_COMMAND, payload.length, checksums);
        }
        return EntryBatches.wrap(buffer, 0, offset, to - from + 1, from);
    }

    private static List<String> payloads(RaftLog log, long from, long to) {
        final List<String> payloads = new ArrayList<>();
        log.forEach(from, to, (index, term, type, buffer, offset, length) -> {
            assertThat(payloads).hasSize((int)(index - from));
            payloads.add(buffer.getStringWithoutLengthAscii(offset, length));
        });
        return payloads;
    }

    /** @return the first and last index copied into a frame. */
    private static List<Long> copyIndexes(RaftLog log, long from, int maxBytes) {
        final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(1 << 16);
        final int count = log.copyEntries(from, 1000, maxBytes, frame, 0);
        int offset = 0;
        long last = -1;
        for (int i = 0; i < count; i++) {
            final long index = LogEntry.index(frame, offset);
            assertThat(index).isEqualTo(from + i);
            last = index;
            offset += LogEntry.HEADER_LENGTH + LogEntry.payloadLength(frame, offset);
        }
        assertThat(log.copiedBytes(0)).isEqualTo(offset);
        return List.of(from, last);
    }

    private static final class CountingLogStore implements LogStore {
        private final LogStore delegate;
        int reads;
        int termReads;

        CountingLogStore(LogStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public long firstIndex() {
            return delegate.firstIndex();
        }

        @Override
        public long lastIndex() {
            return delegate.lastIndex();
        }

        @Override
        public long term(long index) {
            termReads++;
            return delegate.term(index);
        }

        @Override
        public void append(long index, long term, ByteBuffer entry) {
            delegate.append(index, term, entry);
        }

        @Override
        public void truncateAfter(long index) {
            delegate.truncateAfter(index);
        }

        @Override
        public void compactUpTo(long index, long term) {
            delegate.compactUpTo(index, term);
        }

        @Override
        public void sync() {
            delegate.sync();
        }

        @Override
        public int read(long fromIndex, long toIndex, int maxBytes, EntryHandler handler) {
            reads++;
            return delegate.read(fromIndex, toIndex, maxBytes, handler);
        }
    }
}
