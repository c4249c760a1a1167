package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.stream.LongStream;

import static io.skiff.storage.xodus.store.TestStorage.appendRange;
import static io.skiff.storage.xodus.store.TestStorage.bytes;
import static io.skiff.storage.xodus.store.TestStorage.entry;
import static io.skiff.storage.xodus.store.TestStorage.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a crash leaves at the end of the data file: a transaction cut short, or bytes that never formed one. A copy of
 * the directory taken while the storage is open is what a crash would leave (every sync is on disk, no clean-close
 * record).
 */
class TornTailTest {
    @TempDir
    Path base;

    private Path crashImageAfterTwoBatches(long[] sizes) {
        final Path live = base.resolve("live");
        final Path image = base.resolve("image");
        try (XodusStorage storage = TestStorage.open(live)) {
            appendRange(storage.log(), 1, 50, 1);
            storage.log().sync();
            sizes[0] = Directories.size(Directories.lastDataFile(live));
            appendRange(storage.log(), 51, 100, 2);
            storage.log().sync();
            sizes[1] = Directories.size(Directories.lastDataFile(live));
            Directories.copy(live, image);
        }
        return image;
    }

    @Test
    void aTransactionCutShortByACrashIsDroppedAndEverythingSyncedBeforeItSurvives() {
        final long[] sizes = new long[2];
        final Path image = crashImageAfterTwoBatches(sizes);
        assertThat(sizes[1]).isGreaterThan(sizes[0]);
        Directories.truncate(Directories.lastDataFile(image), (sizes[0] + sizes[1]) / 2);

        try (XodusStorage storage = TestStorage.open(image)) {
            assertThat(storage.log().lastIndex()).isEqualTo(50);
            assertThat(storage.log().term(50)).isEqualTo(1);
            assertThat(readAll(storage.log(), 1, 50, Integer.MAX_VALUE)).extracting(TestStorage.Entry::bytes)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, 50)
                    .mapToObj(i -> bytes(entry(i))).toList());
            storage.log().append(51, 3, entry(51));
            storage.log().sync();
        }
        try (XodusStorage storage = TestStorage.open(image)) {
            assertThat(storage.log().lastIndex()).isEqualTo(51);
            assertThat(storage.log().term(51)).isEqualTo(3);
        }
    }

    @Test
    void bytesAfterTheLastCommitAreIgnored() {
        final Path image = crashImageAfterTwoBatches(new long[2]);
        final byte[] garbage = new byte[777];
        new Random(42).nextBytes(garbage);
        Directories.append(Directories.lastDataFile(image), garbage);

        try (XodusStorage storage = TestStorage.open(image)) {
            assertThat(storage.log().lastIndex()).isEqualTo(100);
            assertThat(readAll(storage.log(), 1, 100, Integer.MAX_VALUE)).hasSize(100);
        }
    }

    @Test
    void afterACleanCloseACutDataFileIsRefusedAndLeftAsFound() {
        final Path dir = base.resolve("clean");
        try (XodusStorage storage = TestStorage.open(dir)) {
            appendRange(storage.log(), 1, 100, 1);
            storage.log().sync();
        }
        final Path file = Directories.lastDataFile(dir);
        final long cut = Directories.size(file) - 500;
        Directories.truncate(file, cut);

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("the data files changed since the clean close");
        assertThat(Directories.size(file)).isEqualTo(cut);
    }
}
