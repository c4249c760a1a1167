package io.skiff.storage.xodus.store;

import io.skiff.storage.xodus.Durability;
import io.skiff.storage.xodus.XodusStorageOptions;
import jetbrains.exodus.env.EnvironmentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.skiff.storage.xodus.store.TestStorage.appendRange;
import static io.skiff.storage.xodus.store.TestStorage.readAll;
import static org.assertj.core.api.Assertions.assertThat;

class XodusStorageTest {
    @TempDir
    Path dir;

    @Test
    void optionsReachXodus() {
        final XodusStorageOptions options = XodusStorageOptions.builder().durability(Durability.NO_SYNC)
            .fileSizeBytes(256 * 1024).cacheBytes(8 * 1024 * 1024).build();
        try (XodusStorage storage = XodusStorage.open(dir, TestStorage.NODE, options)) {
            final EnvironmentConfig config = storage.environment().getEnvironmentConfig();
            assertThat(config.getLogDurableWrite()).isFalse();
            assertThat(config.getLogFileSize()).isEqualTo(256);
            assertThat(config.isLogCacheShared()).isFalse();
            assertThat(config.getMemoryUsage()).isEqualTo(8L * 1024 * 1024);
            assertThat(config.isLogClearInvalid()).isFalse();
            assertThat(config.isManagementEnabled()).isFalse();
        }
        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThat(storage.environment().getEnvironmentConfig().getLogDurableWrite()).isTrue();
        }
    }

    @Test
    void aLogSpreadOverManyDataFilesClosesCleanlyAndReopens() {
        final XodusStorageOptions small = XodusStorageOptions.builder().fileSizeBytes(64 * 1024).build();
        try (XodusStorage storage = XodusStorage.open(dir, TestStorage.NODE, small)) {
            for (long i = 1; i <= 3000; i += 100) {
                appendRange(storage.log(), i, i + 99, 1);
                storage.log().sync();
            }
            storage.log().compactUpTo(2500, 1);
            storage.log().sync();
        }
        assertThat(Directories.dataFiles(dir)).hasSizeGreaterThan(3);
        try (XodusStorage storage = XodusStorage.open(dir, TestStorage.NODE, small)) {
            assertThat(storage.log().firstIndex()).isEqualTo(2501);
            assertThat(readAll(storage.log(), 2501, 3000, Integer.MAX_VALUE)).hasSize(500);
        }
    }

    @Test
    void theDirectoryHoldsXodusFilesTheLockTheCreationMarkerAndAfterCloseTheCleanCloseRecord() throws Exception {
        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThat(Files.exists(storage.directory().resolve(CreationMarker.FILE))).isTrue();
            assertThat(Files.exists(storage.directory().resolve(CleanClose.FILE))).isFalse();
        }
        assertThat(Files.readString(dir.resolve(CleanClose.FILE)))
            .startsWith("skiff-storage-xodus clean close 1\nfile 00000000000.xd ");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                .containsExactlyInAnyOrder("00000000000.xd", "xd.lck", CreationMarker.FILE, CleanClose.FILE);
        }
    }
}
