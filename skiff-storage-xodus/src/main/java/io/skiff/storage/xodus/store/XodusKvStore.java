package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import io.skiff.spi.KvStore;
import jetbrains.exodus.ArrayByteIterable;
import jetbrains.exodus.ByteIterable;
import jetbrains.exodus.env.Cursor;
import jetbrains.exodus.env.Environment;
import jetbrains.exodus.env.Store;
import jetbrains.exodus.env.StoreConfig;
import jetbrains.exodus.env.Transaction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The {@link KvStore} of a Xodus storage: entries in their own Xodus store {@code skiff.kv.<generation>} (key = the
 * key's bytes, which Xodus orders as unsigned bytes, as the SPI requires; value = a {@link RecordCodec record} of
 * kind {@link RecordKind#KV_ENTRY} whose sequence is the CRC32C of the key and whose tag is the generation), and the
 * applied index in the {@code kv} record of {@link MetaStore}, written in the same transaction as the entries it
 * reflects.
 *
 * <p><b>Writes and commits.</b> Writes since the last {@link #commit} wait in memory, in a sorted write set that reads
 * consult before the stored entries, so they are seen at once. They stay out of the {@link GroupCommit shared
 * transaction} until {@link #commit}: that transaction is also committed by the log's sync, a state save and
 * snapshot writers, and none of those may publish half a batch of applies. {@link #commit} then writes the set and
 * the applied index into the shared transaction and commits it, without an fsync in {@code FSYNC} mode: the log,
 * which is durable, replays what a crash of the machine loses, and the fsync of the next log sync covers it anyway.
 * Only when the transaction also holds writes that were promised durability (log appends not yet synced, say) is
 * the commit forced. The write set holds one batch of applies; data larger than memory stays in Xodus.
 *
 * <p><b>Clearing.</b> {@link #clear} (a snapshot is about to replace the state) starts a new generation: an empty
 * store that later writes go to directly, committed every {@value XodusSnapshotStore#FLUSH_BYTES} bytes or
 * {@value XodusSnapshotStore#FLUSH_RECORDS} entries so that a snapshot larger than memory can be restored. It stays
 * invisible to a restart until {@link #commit} names it in the {@code kv} record and removes the old generation, in
 * one transaction; after a crash either the old entries with their applied index or the new ones with theirs are
 * found, and a leftover generation is removed on open.
 *
 * <p><b>Verification.</b> Every entry read is checked (format, length, CRC32C, its key's CRC32C, its generation) and
 * a bad one fails with a {@link StorageException} naming the key, the store and the environment. Opening checks the
 * {@code kv} record, that its store exists, and its first and last entries; the rest is checked when read, as
 * reading all of data that may exceed memory on every start would defeat the point of keeping it in storage.
 *
 * <p>Not thread-safe: the node's loop is the only caller, as the SPI says. A {@link #scan} visitor must not write.
 */
final class XodusKvStore implements KvStore {
    /** Marks a deleted key in the write set. */
    private static final byte[] TOMBSTONE = new byte[0];
    private static final int DESCRIBED_KEY_BYTES = 32;

    private final GroupCommit group;
    private final MetaStore meta;
    private final RecordCodec codec;
    private final CRC32C keyChecksum = new CRC32C();
    private final KvCursor.Decoder liveDecoder = this::decodeLive;
    private final KvCursor.Decoder stagingDecoder = this::decodeStaging;
    /** Key to encoded record (or {@link #TOMBSTONE}) of each write since the last commit, outside staging. */
    private final TreeMap<byte[], byte[]> written = new TreeMap<>(Arrays::compareUnsigned);
    private long generation;
    private Store live;
    private long appliedIndex;
    private long nextGeneration;
    private long stagingGeneration = -1;
    private Store staging;
    private long stagedBytes;
    private int stagedEntries;

    private XodusKvStore(GroupCommit group, MetaStore meta, long generation, Store live, long appliedIndex,
        long nextGeneration) {
        this.group = group;
        this.meta = meta;
        this.codec = new RecordCodec(group.directory());
        this.generation = generation;
        this.live = live;
        this.appliedIndex = appliedIndex;
        this.nextGeneration = nextGeneration;
    }

    /**
     * Opens inside the opening transaction: checks the {@code kv} record, that the store it names exists and its
     * first and last entries, and removes generations that a crash left uncommitted.
     *
     * @throws StorageException when the record or the entries checked are damaged, or the store is missing.
     */
    static XodusKvStore open(GroupCommit group, MetaStore meta, Transaction txn) {
        final Environment env = group.environment();
        final KvState state = meta.kvState(txn);
        long maxGeneration = -1;
        Store live = null;
        if (null != state) {
            final String name = KvState.storeName(state.generation());
            if (!env.storeExists(name, txn)) {
                throw new StorageException("the key-value store of the Xodus environment " + group.directory()
                    + " is recorded (applied index " + state.appliedIndex() + ") in store '" + name
                    + "', which does not exist");
            }
            live = env.openStore(name, StoreConfig.USE_EXISTING, txn);
            maxGeneration = state.generation();
        }
        for (String name : new ArrayList<>(env.getAllStoreNames(txn))) {
            if (name.startsWith(KvState.STORE_PREFIX)
                && (null == state || !name.equals(KvState.storeName(state.generation())))) {
                env.removeStore(name, txn);
                maxGeneration = Math.max(maxGeneration, parseGeneration(name));
            }
        }
        final XodusKvStore kv = null == state
            ? new XodusKvStore(group, meta, maxGeneration + 1, null, 0, maxGeneration + 2)
            : new XodusKvStore(group, meta, state.generation(), live, state.appliedIndex(), maxGeneration + 1);
        if (null != live) {
            kv.verifyEnds(txn);
        }
        return kv;
    }

    @Override
    public long appliedIndex() {
        group.checkUsable();
        return appliedIndex;
    }

    @Override
    public byte[] get(byte[] key) {
        Objects.requireNonNull(key, "key");
        group.checkUsable();
        final byte[] record = written.get(key);
        if (null != record) {
            return record == TOMBSTONE ? null : Arrays.copyOfRange(record, RecordCodec.HEADER_BYTES, record.length);
        }
        final Store base = null == staging ? live : staging;
        if (null == base) {
            return null;
        }
        final Transaction txn = group.read();
        try {
            final ByteIterable stored = base.get(txn, new ArrayByteIterable(key));
            return null == stored ? null : (null == staging ? liveDecoder : stagingDecoder).decode(key, stored);
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StorageException("cannot read key " + describe(key) + " from store '" + baseName()
                + "' of the Xodus environment " + group.directory() + ": " + e, e);
        } finally {
            group.release(txn);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        group.checkUsable();
        if (null == staging) {
            written.put(key.clone(), codec.encode(RecordKind.KV_ENTRY, keyChecksum(key), generation, value));
            return;
        }
        final byte[] record = codec.encode(RecordKind.KV_ENTRY, keyChecksum(key), stagingGeneration, value);
        final Transaction txn = group.writeUnforced();
        try {
            staging.put(txn, new ArrayByteIterable(key.clone()), new ArrayByteIterable(record));
        } catch (RuntimeException e) {
            throw group.fail("cannot stage key " + describe(key) + " in store '" + baseName() + "'", e);
        }
        staged(key.length + record.length);
    }

    @Override
    public void delete(byte[] key) {
        Objects.requireNonNull(key, "key");
        group.checkUsable();
        if (null == staging) {
            written.put(key.clone(), TOMBSTONE);
            return;
        }
        final Transaction txn = group.writeUnforced();
        try {
            staging.delete(txn, new ArrayByteIterable(key));
        } catch (RuntimeException e) {
            throw group.fail("cannot delete key " + describe(key) + " from store '" + baseName() + "'", e);
        }
        staged(key.length);
    }

    @Override
    public void scan(byte[] start, boolean startInclusive, boolean reverse, EntryVisitor visitor) {
        Objects.requireNonNull(visitor, "visitor");
        group.checkUsable();
        NavigableMap<byte[], byte[]> view = written;
        if (null != start) {
            view = reverse ? written.headMap(start, startInclusive) : written.tailMap(start, startInclusive);
        }
        final Iterator<Map.Entry<byte[], byte[]>> writes = (reverse ? view.descendingMap() : view).entrySet()
            .iterator();
        final Store base = null == staging ? live : staging;
        boolean inVisitor = false;
        try (KvCursor stored = null == base ? null : new KvCursor(group, base, reverse,
            null == staging ? liveDecoder : stagingDecoder, start, startInclusive)) {
            Map.Entry<byte[], byte[]> write = writes.hasNext() ? writes.next() : null;
            while (true) {
                final byte[] storedKey = null == stored ? null : stored.key();
                if (null == write && null == storedKey) {
                    return;
                }
                final int order = null == write ? 1 : null == storedKey ? -1
                    : Arrays.compareUnsigned(write.getKey(), storedKey) * (reverse ? -1 : 1);
                if (order > 0) {
                    inVisitor = true;
                    if (!visitor.visit(storedKey, stored.value())) {
                        return;
                    }
                    inVisitor = false;
                    stored.advance();
                    continue;
                }
                if (order == 0) {
                    // The write replaces the stored entry.
                    stored.advance();
                }
                final byte[] key = write.getKey();
                final byte[] record = write.getValue();
                write = writes.hasNext() ? writes.next() : null;
                if (record != TOMBSTONE) {
                    inVisitor = true;
                    if (!visitor.visit(key.clone(), Arrays.copyOfRange(record, RecordCodec.HEADER_BYTES,
                        record.length))) {
                        return;
                    }
                    inVisitor = false;
                }
            }
        } catch (StorageException e) {
            throw e;
        } catch (RuntimeException e) {
            if (inVisitor) {
                throw e;
            }
            throw new StorageException("cannot scan store '" + baseName() + "' of the Xodus environment "
                + group.directory() + ": " + e, e);
        }
    }

    @Override
    public void clear() {
        group.checkUsable();
        written.clear();
        final Environment env = group.environment();
        final long created = nextGeneration;
        final Transaction txn = group.writeUnforced();
        final Store store;
        try {
            if (null != staging) {
                env.removeStore(KvState.storeName(stagingGeneration), txn);
            }
            store = env.openStore(KvState.storeName(created), StoreConfig.WITHOUT_DUPLICATES, txn);
        } catch (RuntimeException e) {
            throw group.fail("cannot start generation " + created + " of the key-value store", e);
        }
        // Committed at once: Xodus 2.0.1 ignores removeStore for a store created in the same transaction, and the
        // next clear() or commit() may remove this one.
        group.commitUnforced();
        nextGeneration = created + 1;
        staging = store;
        stagingGeneration = created;
        stagedBytes = 0;
        stagedEntries = 0;
    }

    @Override
    public void commit(long appliedIndex) {
        group.checkUsable();
        if (appliedIndex < 0) {
            throw new IllegalArgumentException("commit(" + appliedIndex + "): expected an applied index >= 0");
        }
        if (null == staging && written.isEmpty() && appliedIndex == this.appliedIndex) {
            return;
        }
        final Environment env = group.environment();
        final Transaction txn = group.writeUnforced();
        final Store target;
        final long targetGeneration;
        try {
            if (null != staging) {
                target = staging;
                targetGeneration = stagingGeneration;
                if (null != live) {
                    env.removeStore(KvState.storeName(generation), txn);
                }
            } else {
                target = null != live ? live
                    : env.openStore(KvState.storeName(generation), StoreConfig.WITHOUT_DUPLICATES, txn);
                targetGeneration = generation;
                for (Map.Entry<byte[], byte[]> write : written.entrySet()) {
                    final ByteIterable key = new ArrayByteIterable(write.getKey());
                    if (write.getValue() == TOMBSTONE) {
                        target.delete(txn, key);
                    } else {
                        target.put(txn, key, new ArrayByteIterable(write.getValue()));
                    }
                }
            }
            meta.putKvState(txn, new KvState(targetGeneration, appliedIndex));
        } catch (RuntimeException e) {
            throw group.fail("cannot commit the key-value store at applied index " + appliedIndex, e);
        }
        group.commitUnforced();
        written.clear();
        live = target;
        generation = targetGeneration;
        staging = null;
        stagingGeneration = -1;
        this.appliedIndex = appliedIndex;
    }

    @Override
    public String toString() {
        return "XodusKvStore{" + group.directory() + ", store '" + KvState.storeName(generation) + "', applied "
            + appliedIndex + (null == staging ? "" : ", staging '" + KvState.storeName(stagingGeneration) + "'")
            + ", " + written.size() + " uncommitted writes}";
    }

    /** @return a key for messages: its length and up to {@value #DESCRIBED_KEY_BYTES} bytes in hex. */
    static String describe(byte[] key) {
        final int shown = Math.min(key.length, DESCRIBED_KEY_BYTES);
        return "0x" + HexFormat.of().formatHex(key, 0, shown) + (shown < key.length ? "..." : "") + " ("
            + key.length + " bytes)";
    }

    private void staged(int bytes) {
        stagedBytes += bytes;
        stagedEntries++;
        if (stagedBytes >= XodusSnapshotStore.FLUSH_BYTES || stagedEntries >= XodusSnapshotStore.FLUSH_RECORDS) {
            group.commitUnforced();
            stagedBytes = 0;
            stagedEntries = 0;
        }
    }

    private byte[] decodeLive(byte[] key, ByteIterable stored) {
        return decode(key, stored, generation);
    }

    private byte[] decodeStaging(byte[] key, ByteIterable stored) {
        return decode(key, stored, stagingGeneration);
    }

    private byte[] decode(byte[] key, ByteIterable stored, long expectedGeneration) {
        try {
            return codec.verifyCopy(stored, RecordKind.KV_ENTRY, KvState.storeName(expectedGeneration),
                keyChecksum(key), expectedGeneration);
        } catch (StorageException e) {
            throw new StorageException(e.getMessage() + " (key " + describe(key) + "; the record's sequence is the "
                + "CRC32C of its key, its tag the store's generation)", e);
        }
    }

    private long keyChecksum(byte[] key) {
        keyChecksum.reset();
        keyChecksum.update(key, 0, key.length);
        return keyChecksum.getValue();
    }

    private void verifyEnds(Transaction txn) {
        try (Cursor cursor = live.openCursor(txn)) {
            if (cursor.getNext()) {
                verifyCurrent(cursor);
                cursor.getLast();
                verifyCurrent(cursor);
            }
        }
    }

    private void verifyCurrent(Cursor cursor) {
        final ByteIterable key = cursor.getKey();
        decodeLive(Arrays.copyOf(key.getBytesUnsafe(), key.getLength()), cursor.getValue());
    }

    private String baseName() {
        return KvState.storeName(null == staging ? generation : stagingGeneration);
    }

    private static long parseGeneration(String name) {
        try {
            return Long.parseLong(name.substring(KvState.STORE_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
