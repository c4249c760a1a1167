package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.KvStore;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.env.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Damage planted in the key-value store: the open or the read that meets it fails, naming the key and the store. */
class KvCorruptionTest {
    private static final String STORE = KvState.storeName(0);

    @TempDir
    Path dir;

    private static ArrayByteIterable key(String text) {
        return new ArrayByteIterable(text.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void writeData() {
        try (XodusStorage storage = TestStorage.open(dir)) {
            final KvStore kv = storage.kvStore().orElseThrow();
            for (char c = 'a'; c <= 'e'; c++) {
                kv.put(new byte[] {(byte)c}, ("value-" + c).getBytes(StandardCharsets.UTF_8));
            }
            kv.commit(7);
        }
    }

    @Test
    void aDamagedEntryFailsWhenReadNamingItsKeyAndStore() {
        RawXodus.edit(dir, (env, txn) -> RawXodus.flipValueByte(env, txn, STORE, key("c"),
            RecordCodec.HEADER_BYTES + 2));

        try (XodusStorage storage = TestStorage.open(dir)) {
            final KvStore kv = storage.kvStore().orElseThrow();
            assertThat(kv.get(new byte[] {'b'})).isEqualTo("value-b".getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> kv.get(new byte[] {'c'})).isInstanceOf(StorageException.class)
                .hasMessageContaining("corrupt key-value entry in store '" + STORE + "'")
                .hasMessageContaining("checksum mismatch").hasMessageContaining("key 0x63 (1 bytes)");
            assertThatThrownBy(() -> kv.scan(null, true, false, (key, value) -> true))
                .isInstanceOf(StorageException.class).hasMessageContaining("key 0x63");
        }
    }

    @Test
    void aDamagedFirstOrLastEntryIsRefusedOnOpen() {
        RawXodus.edit(dir, (env, txn) -> RawXodus.flipValueByte(env, txn, STORE, key("e"), 5));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("corrupt key-value entry in store '" + STORE + "'").hasMessageContaining("key 0x65");
    }

    @Test
    void anEntryUnderAnotherKeyIsRefused() {
        RawXodus.edit(dir, (env, txn) -> {
            final Store store = RawXodus.store(env, txn, STORE);
            store.put(txn, key("b"), store.get(txn, key("d")));
        });

        try (XodusStorage storage = TestStorage.open(dir)) {
            assertThatThrownBy(() -> storage.kvStore().orElseThrow().get(new byte[] {'b'}))
                .isInstanceOf(StorageException.class).hasMessageContaining("key 0x62")
                .hasMessageContaining("the record holds sequence number");
        }
    }

    @Test
    void aMissingStoreIsRefusedOnOpen() {
        RawXodus.edit(dir, (env, txn) -> env.removeStore(STORE, txn));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("the key-value store of the Xodus environment")
            .hasMessageContaining("is recorded (applied index 7) in store '" + STORE + "', which does not exist");
    }

    @Test
    void aDamagedStateRecordIsRefusedOnOpen() {
        RawXodus.edit(dir, (env, txn) -> RawXodus.flipValueByte(env, txn, MetaStore.STORE, MetaStore.KV_KEY,
            RecordCodec.HEADER_BYTES + 9));

        assertThatThrownBy(() -> TestStorage.open(dir)).isInstanceOf(StorageException.class)
            .hasMessageContaining("corrupt key-value state in store 'skiff.meta'").hasMessageContaining("checksum");
    }
}
