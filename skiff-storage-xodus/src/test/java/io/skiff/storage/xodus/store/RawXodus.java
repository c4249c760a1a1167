package io.skiff.storage.xodus.store;

import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.EnvironmentConfig;
import jetbrains.exodus.env.Environments;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BiConsumer;

/** Edits a closed storage directly through Xodus, bypassing every check, to plant damage where a test wants it. */
final class RawXodus {
    private RawXodus() {
    }

    /**
     * Applies {@code edit} in one committed Xodus transaction and records a clean close afterwards, as if the damage
     * had been on disk when the storage last closed cleanly.
     */
    static void edit(Path dir, BiConsumer<Environment, Transaction> edit) {
        final Environment env = Environments.newInstance(dir.toFile(),
            new EnvironmentConfig().setManagementEnabled(false).setGcEnabled(false));
        try {
            env.executeInExclusiveTransaction(txn -> edit.accept(env, txn));
        } finally {
            env.close();
        }
        CleanClose.write(dir);
    }

    static Store store(Environment env, Transaction txn, String name) {
        return env.openStore(name, StoreConfig.USE_EXISTING, txn);
    }

    /** Flips one byte of a stored value in place. */
    static void flipValueByte(Environment env, Transaction txn, String storeName, ByteIterable key, int offset) {
        final Store store = store(env, txn, storeName);
        final ByteIterable value = store.get(txn, key);
        final byte[] bytes = Arrays.copyOf(value.getBytesUnsafe(), value.getLength());
        bytes[offset] ^= 0x01;
        store.put(txn, key, new ArrayByteIterable(bytes));
    }
}
