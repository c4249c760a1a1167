package io.skiff.storage.xodus.store;

import io.skiff.NodeAddress;
import io.skiff.StorageException;
import io.skiff.spi.LogStore;
import io.skiff.spi.PersistentState;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static io.skiff.storage.xodus.store.TestStorage.bytes;
import static io.skiff.storage.xodus.store.TestStorage.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Flips one byte at a time across the Xodus data file of a closed storage and reopens it: the answer is a
 * {@link StorageException}, the data exactly as written or, after a crash, an earlier committed state; never
 * different bytes and never another exception.
 */
class ByteFlipTest {
    private static final int FLIPS = 250;
    private static final long FIRST = 51;
    private static final long LAST = 300;
    private static final PersistentState STATE = new PersistentState("c", 9, NodeAddress.parse("/mem/b"),
        List.of(NodeAddress.parse("/mem/a"), NodeAddress.parse("/mem/b")));
    private static final SnapshotMeta SNAPSHOT = new SnapshotMeta(50, 1, new byte[] {4, 2}, 20);
    private static final String IDENTICAL = "identical data";
    private static final String EARLIER = "an earlier committed state";

    @TempDir
    Path base;
    private Path original;
    private Path dataFile;

    @BeforeEach
    void writeKnownData() {
        original = base.resolve("original");
        try (XodusStorage storage = TestStorage.open(original)) {
            final LogStore log = storage.log();
            for (long i = 1; i <= LAST; i++) {
                log.append(i, term(i), entry(i));
                if (i % 10 == 0) {
                    log.sync();
                }
            }
            storage.state().save(STATE);
            try (SnapshotStore.Writer writer = storage.snapshots().create(SNAPSHOT.withRecords(-1))) {
                for (int r = 0; r < SNAPSHOT.records(); r++) {
                    writer.append(snapshotRecord(r));
                }
                writer.commit();
            }
            log.compactUpTo(FIRST - 1, term(FIRST - 1));
            log.sync();
        }
        assertThat(Directories.dataFiles(original)).hasSize(1);
        dataFile = Directories.dataFiles(original).get(0).getFileName();
    }

    @Test
    void afterACleanCloseAFlippedByteIsRefusedBeforeXodusCanTruncateAnything() throws IOException {
        final long length = Directories.size(original.resolve(dataFile));
        final Path copy = base.resolve("copy");
        for (long offset : new long[] {0, 133, length / 3, length / 2, length - 1}) {
            Directories.copy(original, copy);
            Directories.flipByte(copy.resolve(dataFile), offset);
            final byte[] damaged = Files.readAllBytes(copy.resolve(dataFile));

            assertThatThrownBy(() -> TestStorage.open(copy)).isInstanceOf(StorageException.class)
                .hasMessageContaining("closed cleanly but the data file " + dataFile + " changed")
                .hasMessageContaining("CRC32C expected");
            assertThat(Files.readAllBytes(copy.resolve(dataFile))).as("flip at %d", offset).isEqualTo(damaged);
        }
    }

    @Test
    void afterACrashAFlippedByteIsDetectedOrRolledBackButNeverReadAsData() {
        final long length = Directories.size(original.resolve(dataFile));
        final long stride = Math.max(1, length / FLIPS);
        final Map<String, Integer> outcomes = new TreeMap<>();
        final Path copy = base.resolve("copy");
        for (long offset = 0; offset < length; offset += stride) {
            Directories.copy(original, copy);
            CleanClose.forget(copy);
            Directories.flipByte(copy.resolve(dataFile), offset);
            outcomes.merge(openAndCompare(copy, offset), 1, Integer::sum);
        }
        System.out.println("byte flips after a crash, in a " + length + "-byte data file: " + outcomes);
        assertThat(outcomes.keySet()).allMatch(o -> o.equals(IDENTICAL) || o.equals(EARLIER)
            || o.startsWith("StorageException"));
        assertThat(outcomes.getOrDefault("StorageException on open", 0)
            + outcomes.getOrDefault("StorageException on read", 0)).isPositive();
    }

    private static long term(long index) {
        return 1 + index / 50;
    }

    private static ByteBuffer snapshotRecord(int number) {
        return entry(10_000 + number, 40);
    }

    /** @return how the damaged copy answered; fails the test on any byte that differs from what was written. */
    private static String openAndCompare(Path dir, long offset) {
        final XodusStorage storage;
        try {
            storage = TestStorage.open(dir);
        } catch (StorageException e) {
            return "StorageException on open";
        }
        try {
            final LogStore log = storage.log();
            final long first = log.firstIndex();
            final long last = log.lastIndex();
            final long[] next = {first};
            if (first <= last) {
                log.read(first, last, Integer.MAX_VALUE, (index, term, entry) -> {
                    assertThat(index).isEqualTo(next[0]);
                    assertThat(term).as("term of %d after a flip at %d", index, offset).isEqualTo(term(index));
                    assertThat(bytes(entry)).as("entry %d after a flip at %d", index, offset)
                        .isEqualTo(bytes(entry(index)));
                    next[0]++;
                });
            }
            assertThat(next[0]).isEqualTo(last + 1);
            if (first > 1) {
                assertThat(log.term(first - 1)).isEqualTo(term(first - 1));
            }
            final PersistentState state = storage.state().load();
            assertThat(state).as("state after a flip at %d", offset).isIn(STATE, PersistentState.EMPTY);
            final Optional<SnapshotMeta> snapshot = storage.snapshots().latest();
            snapshot.ifPresent(meta -> {
                assertThat(meta).as("snapshot after a flip at %d", offset).isEqualTo(SNAPSHOT);
                try (SnapshotStore.Reader reader = storage.snapshots().open().orElseThrow()) {
                    final int[] record = {0};
                    reader.read(0, 100, Integer.MAX_VALUE, bytes -> {
                        assertThat(bytes(bytes)).isEqualTo(bytes(snapshotRecord(record[0])));
                        record[0]++;
                    });
                    assertThat(record[0]).isEqualTo(SNAPSHOT.records());
                }
            });
            final boolean identical = first == FIRST && last == LAST && STATE.equals(state) && snapshot.isPresent();
            return identical ? IDENTICAL : EARLIER;
        } catch (StorageException e) {
            return "StorageException on read";
        } finally {
            storage.close();
        }
    }
}
