package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.PersistentState;
import io.skiff.spi.SnapshotMeta;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The store {@code skiff.meta}: small checksummed records under fixed names.
 *
 * <table>
 *   <caption>records</caption>
 *   <tr><th>key</th><th>payload</th></tr>
 *   <tr><td>{@code format}</td><td>magic {@value #MAGIC} (ASCII), format version (int32)</td></tr>
 *   <tr><td>{@code log}</td><td>{@link LogBounds}: compacted index and term, last index and term (4 x int64)</td></tr>
 *   <tr><td>{@code state}</td><td>{@link PersistentStateCodec term, vote and members}</td></tr>
 *   <tr><td>{@code snapshot}</td><td>id, index, term, records (4 x int64), configuration length (int32) and
 *       bytes</td></tr>
 *   <tr><td>{@code snapshot.staging}</td><td>id of the snapshot being staged (int64)</td></tr>
 *   <tr><td>{@code kv}</td><td>{@link KvState}: generation of the key-value store and the applied index its entries
 *       reflect (2 x int64)</td></tr>
 * </table>
 *
 * <p>The format marker keeps record format version 1 in every future format, so that any later build can read the
 * version in its payload and refuse data it does not understand with a clear message. Format 2 keeps the log in
 * segment stores {@code skiff.log.<n>}; format 1 kept it in one store {@code skiff.log}, where a format 2 build would
 * find no entries and report them all missing.
 */
final class MetaStore {
    static final String STORE = "skiff.meta";
    static final String MAGIC = "skiff-storage-xodus";
    static final int FORMAT_VERSION = 2;

    static final ByteIterable FORMAT_KEY = name("format");
    static final ByteIterable LOG_BOUNDS_KEY = name("log");
    static final ByteIterable STATE_KEY = name("state");
    static final ByteIterable SNAPSHOT_KEY = name("snapshot");
    static final ByteIterable STAGING_KEY = name("snapshot.staging");
    static final ByteIterable KV_KEY = name("kv");

    private final Store store;
    private final RecordCodec codec;
    private final Path directory;

    private MetaStore(Store store, Path directory) {
        this.store = store;
        this.codec = new RecordCodec(directory);
        this.directory = directory;
    }

    /**
     * Opens the store and checks the format marker; in an empty environment never initialised before, creates both.
     *
     * @param created whether the directory was initialised before ({@link CreationMarker}).
     * @throws StorageException when the environment holds stores but no marker, a marker of another format, or is
     *                          empty although it was initialised.
     */
    static MetaStore open(Environment env, Transaction txn, Path directory, boolean created) {
        final List<String> names = env.getAllStoreNames(txn);
        if (names.isEmpty() && created) {
            throw new StorageException("the storage in " + directory + " was initialised (" + CreationMarker.FILE
                + " exists) but Xodus recovered an empty environment: its data was lost or damaged (Xodus 2.0.1 "
                + "discards everything after a damaged byte in its last data file when it recovers from a crash); "
                + "refusing to start the node as new, which could make it forget its vote (to start it afresh on "
                + "purpose, delete the directory)");
        }
        if (names.isEmpty()) {
            final MetaStore meta = new MetaStore(env.openStore(STORE, StoreConfig.WITHOUT_DUPLICATES, txn), directory);
            meta.putFormat(txn);
            return meta;
        }
        if (!names.contains(STORE)) {
            throw new StorageException("the Xodus environment " + directory + " holds the stores " + names
                + " but no store '" + STORE + "' with Skiff's format marker: it was not written by "
                + "skiff-storage-xodus; refusing to use it");
        }
        final MetaStore meta = new MetaStore(env.openStore(STORE, StoreConfig.USE_EXISTING, txn), directory);
        meta.checkFormat(txn);
        return meta;
    }

    LogBounds logBounds(Transaction txn) {
        final ByteBuffer payload = read(txn, LOG_BOUNDS_KEY, RecordKind.LOG_BOUNDS);
        if (null == payload) {
            return null;
        }
        expectLength(payload, LogBounds.BYTES, RecordKind.LOG_BOUNDS);
        return new LogBounds(payload.getLong(), payload.getLong(), payload.getLong(), payload.getLong());
    }

    void putLogBounds(Transaction txn, LogBounds bounds) {
        final ByteBuffer payload = ByteBuffer.allocate(LogBounds.BYTES).putLong(bounds.compactedIndex())
            .putLong(bounds.compactedTerm()).putLong(bounds.lastIndex()).putLong(bounds.lastTerm());
        put(txn, LOG_BOUNDS_KEY, RecordKind.LOG_BOUNDS, payload.array());
    }

    PersistentState state(Transaction txn) {
        final ByteBuffer payload = read(txn, STATE_KEY, RecordKind.PERSISTENT_STATE);
        if (null == payload) {
            return null;
        }
        try {
            return PersistentStateCodec.decode(payload);
        } catch (IllegalArgumentException e) {
            throw codec.corrupt(RecordKind.PERSISTENT_STATE, STORE, 0, "it does not decode: " + e.getMessage());
        }
    }

    /** @param encoded the state as {@link PersistentStateCodec#encode} gives it. */
    void putState(Transaction txn, byte[] encoded) {
        put(txn, STATE_KEY, RecordKind.PERSISTENT_STATE, encoded);
    }

    SnapshotPointer snapshot(Transaction txn) {
        final ByteBuffer payload = read(txn, SNAPSHOT_KEY, RecordKind.SNAPSHOT);
        if (null == payload) {
            return null;
        }
        try {
            final long id = payload.getLong();
            final long index = payload.getLong();
            final long term = payload.getLong();
            final long records = payload.getLong();
            final int length = payload.getInt();
            if (length != payload.remaining()) {
                throw new IllegalArgumentException("the configuration is said to be " + length + " bytes, "
                    + payload.remaining() + " remain");
            }
            final byte[] configuration = new byte[length];
            payload.get(configuration);
            if (id < 0 || records < 0) {
                throw new IllegalArgumentException("id " + id + " and record count " + records
                    + " must not be negative");
            }
            return new SnapshotPointer(id, new SnapshotMeta(index, term, configuration, records));
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw codec.corrupt(RecordKind.SNAPSHOT, STORE, 0, "it does not decode: " + e.getMessage());
        }
    }

    void putSnapshot(Transaction txn, SnapshotPointer pointer) {
        final SnapshotMeta meta = pointer.meta();
        final byte[] configuration = meta.configuration();
        final ByteBuffer payload = ByteBuffer.allocate(4 * Long.BYTES + Integer.BYTES + configuration.length)
            .putLong(pointer.id()).putLong(meta.index()).putLong(meta.term()).putLong(meta.records())
            .putInt(configuration.length).put(configuration);
        put(txn, SNAPSHOT_KEY, RecordKind.SNAPSHOT, payload.array());
    }

    /** @return the id of the snapshot being staged, or -1 when none is. */
    long staging(Transaction txn) {
        final ByteBuffer payload = read(txn, STAGING_KEY, RecordKind.SNAPSHOT_STAGING);
        if (null == payload) {
            return -1;
        }
        expectLength(payload, Long.BYTES, RecordKind.SNAPSHOT_STAGING);
        return payload.getLong();
    }

    void putStaging(Transaction txn, long id) {
        put(txn, STAGING_KEY, RecordKind.SNAPSHOT_STAGING, ByteBuffer.allocate(Long.BYTES).putLong(id).array());
    }

    void deleteStaging(Transaction txn) {
        store.delete(txn, STAGING_KEY);
    }

    /** @return the key-value store's committed state, or {@code null} when it was never committed. */
    KvState kvState(Transaction txn) {
        final ByteBuffer payload = read(txn, KV_KEY, RecordKind.KV_STATE);
        if (null == payload) {
            return null;
        }
        expectLength(payload, KvState.BYTES, RecordKind.KV_STATE);
        final long generation = payload.getLong();
        final long appliedIndex = payload.getLong();
        if (generation < 0 || appliedIndex < 0) {
            throw codec.corrupt(RecordKind.KV_STATE, STORE, 0, "generation " + generation + " and applied index "
                + appliedIndex + " must not be negative");
        }
        return new KvState(generation, appliedIndex);
    }

    void putKvState(Transaction txn, KvState state) {
        put(txn, KV_KEY, RecordKind.KV_STATE, ByteBuffer.allocate(KvState.BYTES).putLong(state.generation())
            .putLong(state.appliedIndex()).array());
    }

    private void putFormat(Transaction txn) {
        final byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
        put(txn, FORMAT_KEY, RecordKind.FORMAT,
            ByteBuffer.allocate(magic.length + Integer.BYTES).put(magic).putInt(FORMAT_VERSION).array());
    }

    private void checkFormat(Transaction txn) {
        final ByteBuffer payload = read(txn, FORMAT_KEY, RecordKind.FORMAT);
        if (null == payload) {
            throw new StorageException("the store '" + STORE + "' of the Xodus environment " + directory
                + " has no format marker; refusing to guess what its data means");
        }
        final byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
        expectLength(payload, magic.length + Integer.BYTES, RecordKind.FORMAT);
        final byte[] found = new byte[magic.length];
        payload.get(found);
        final int version = payload.getInt();
        if (!Arrays.equals(magic, found)) {
            throw codec.corrupt(RecordKind.FORMAT, STORE, 0, "magic '" + new String(found, StandardCharsets.US_ASCII)
                + "', expected '" + MAGIC + "'");
        }
        if (version != FORMAT_VERSION) {
            throw new StorageException("the storage in " + directory + " was written in format version " + version
                + "; this build of skiff-storage-xodus reads format version " + FORMAT_VERSION + " only (open it "
                + "with the Skiff version that wrote it)");
        }
    }

    private ByteBuffer read(Transaction txn, ByteIterable key, RecordKind kind) {
        final ByteIterable value = store.get(txn, key);
        return null == value ? null : codec.verify(value, kind, STORE, 0, RecordCodec.ANY_TAG);
    }

    private void put(Transaction txn, ByteIterable key, RecordKind kind, byte[] payload) {
        store.put(txn, key, new ArrayByteIterable(codec.encode(kind, 0, 0, payload)));
    }

    private void expectLength(ByteBuffer payload, int bytes, RecordKind kind) {
        if (payload.remaining() != bytes) {
            throw codec.corrupt(kind, STORE, 0, "the payload is " + payload.remaining() + " bytes, expected " + bytes);
        }
    }

    private static ByteIterable name(String key) {
        return new ArrayByteIterable(key.getBytes(StandardCharsets.US_ASCII));
    }
}
