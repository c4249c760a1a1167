package io.skiff.storage.xodus.store;

import io.skiff.NodeAddress;
import io.skiff.StorageException;
import io.skiff.spi.PersistentState;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.skiff.storage.xodus.store.TestStorage.appendRange;
import static io.skiff.storage.xodus.store.TestStorage.entry;
import static io.skiff.storage.xodus.store.TestStorage.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damage planted in single records: every read or open that meets it fails, naming what is wrong and where. */
class CorruptionTest {
    private static final int PAYLOAD = RecordCodec.HEADER_BYTES + 10;
    /** The segment store holding entries 1 to 10. */
    private static final String LOG = LogSegments.storeName(0);

    @TempDir
    Path dir;

    @BeforeEach
    void writeData() {
        try (XodusStorage storage = TestStorage.open(dir)) {
            appendRange(storage.log(), 1, 10, 1);
            storage.log().sync();
            storage.state().save(new PersistentState("c", 3, NodeAddress.parse("/mem/a"), List.of()));
            try (SnapshotStore.Writer writer = storage.snapshots().create(new SnapshotMeta(5, 1, new byte[0], -1))) {
                for (int i = 0; i < 10; i++) {
                    writer.append(entry(i, 30));
                }
                writer.commit();
            }
        }
    }

    @Test
    void aDamagedLogEntryIsRefusedOnOpenNamingTheEntryTheStoreAndTheChecksums() {
        RawXodus.edit(dir, (env, txn) -> RawXodus.flipValueByte(env, txn, LOG, Keys.of(5), PAYLOAD));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("corrupt log entry 5 in store 'skiff.log.0' of the Xodus environment " + real(dir))
            .hasMessageContaining("checksum mismatch: stored CRC32C 0x")
            .hasMessageContaining(", computed 0x");
    }

    @Test
    void aDamagedLogEntryIsRefusedWhenRead() {
        try (XodusStorage storage = TestStorage.open(dir)) {
            final Environment env = storage.environment();
            RawXodus.flipValueByte(env, storage.groupCommit().write(), LOG, Keys.of(5), PAYLOAD);

            assertThatThrownBy(() -> readAll(storage.log(), 1, 10, Integer.MAX_VALUE))
                .isInstanceOf(StorageException.class).hasMessageContaining("corrupt log entry 5")
                .hasMessageContaining("checksum mismatch");
            assertThatThrownBy(() -> storage.log().term(5)).isInstanceOf(StorageException.class)
                .hasMessageContaining("corrupt log entry 5");
            assertThat(readAll(storage.log(), 1, 4, Integer.MAX_VALUE)).hasSize(4);
        }
    }

    @Test
    void anEntryStoredUnderTheWrongKeyIsRefused() {
        RawXodus.edit(dir, (env, txn) -> {
            final Store log = RawXodus.store(env, txn, LOG);
            log.put(txn, Keys.of(5), log.get(txn, Keys.of(6)));
        });

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("corrupt log entry 5")
            .hasMessageContaining("the record holds sequence number 6, expected 5 (its key)");
    }

    @Test
    void aLostLastEntryIsRefusedAgainstTheRecordedBounds() {
        RawXodus.edit(dir, (env, txn) -> RawXodus.store(env, txn, LOG).delete(txn, Keys.of(10)));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("ends at entry 9 but its bounds record last entry 10: entries 10 to 10 are missing");
    }

    @Test
    void aGapInTheLogIsRefused() {
        RawXodus.edit(dir, (env, txn) -> RawXodus.store(env, txn, LOG).delete(txn, Keys.of(5)));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("is not contiguous: expected entry 5, found entry 6");
    }

    @Test
    void damagedLogBoundsAreRefused() {
        RawXodus.edit(dir, (env, txn) ->
            RawXodus.flipValueByte(env, txn, MetaStore.STORE, MetaStore.LOG_BOUNDS_KEY, RecordCodec.HEADER_BYTES + 3));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("corrupt log bounds in store 'skiff.meta'");
    }

    @Test
    void aDamagedStateRecordIsRefused() {
        RawXodus.edit(dir, (env, txn) ->
            RawXodus.flipValueByte(env, txn, MetaStore.STORE, MetaStore.STATE_KEY, RecordCodec.HEADER_BYTES + 4));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("corrupt persistent state in store 'skiff.meta'")
            .hasMessageContaining("checksum mismatch");
    }

    @Test
    void aDamagedSnapshotRecordIsRefusedWhenRead() {
        RawXodus.edit(dir, (env, txn) ->
            RawXodus.flipValueByte(env, txn, SnapshotPointer.storeName(0), Keys.of(5), PAYLOAD));

        try (XodusStorage storage = TestStorage.open(dir);
             SnapshotStore.Reader reader = storage.snapshots().open().orElseThrow()) {
            assertThat(reader.read(0, 5, Integer.MAX_VALUE, record -> { })).isEqualTo(5);
            assertThatThrownBy(() -> reader.read(5, 5, Integer.MAX_VALUE, record -> { }))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("corrupt snapshot record 5 in store 'skiff.snapshot.0'");
        }
    }

    @Test
    void aSnapshotMissingRecordsIsRefused() {
        RawXodus.edit(dir, (env, txn) ->
            RawXodus.store(env, txn, SnapshotPointer.storeName(0)).delete(txn, Keys.of(9)));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("in store 'skiff.snapshot.0'").hasMessageContaining("holds 9 records, expected 10");
    }

    @Test
    void anUnknownFormatVersionIsRefused() {
        RawXodus.edit(dir, (env, txn) -> {
            final byte[] magic = MetaStore.MAGIC.getBytes(StandardCharsets.US_ASCII);
            final byte[] payload = ByteBuffer.allocate(magic.length + 4).put(magic).putInt(3).array();
            RawXodus.store(env, txn, MetaStore.STORE).put(txn, MetaStore.FORMAT_KEY,
                new ArrayByteIterable(new RecordCodec(dir).encode(RecordKind.FORMAT, 0, 0, payload)));
        });

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("was written in format version 3; this build of skiff-storage-xodus reads format "
                + "version 2 only");
    }

    @Test
    void anXodusEnvironmentWrittenBySomethingElseIsRefused(@TempDir Path foreign) {
        final Environment env = Environments.newInstance(foreign.toFile(),
            new EnvironmentConfig().setManagementEnabled(false));
        env.executeInTransaction(txn -> env.openStore("other", StoreConfig.WITHOUT_DUPLICATES, txn)
            .put(txn, Keys.of(1), Keys.of(2)));
        env.close();

        assertThatThrownBy(() -> TestStorage.open(foreign)).isInstanceOf(StorageException.class)
            .hasMessageContaining("holds the stores [other] but no store 'skiff.meta'")
            .hasMessageContaining("not written by skiff-storage-xodus");
    }

    @Test
    void anInitialisedDirectoryWhoseDataVanishedIsNotStartedAsNew() throws Exception {
        for (Path file : Directories.dataFiles(dir)) {
            Files.delete(file);
        }
        CleanClose.forget(dir);

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("was initialised (skiff-created exists) but Xodus recovered an empty environment");
    }

    @Test
    void aDamagedCleanCloseRecordIsRefusedAndDeletingItLetsXodusRecover() throws Exception {
        final Path record = dir.resolve(CleanClose.FILE);
        Files.writeString(record, Files.readString(record).replace("file ", "file  "));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("the record itself is damaged").hasMessageContaining("delete " + real(record));
        Files.delete(record);
        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThat(readAll(storage.log(), 1, 10, Integer.MAX_VALUE)).hasSize(10);
        }
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
