package io.skiff.core.kv;

import io.skiff.StorageException;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateMachine;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The replicated ordered key-value map behind {@link io.skiff.LevelUp}: keys ordered as unsigned bytes, commands
 * PUT, DEL and atomic BATCH, queries GET and RANGE, all in the format of {@link KvCodec}.
 *
 * <p>The entries live in memory ({@code kv}: snapshots plus the log that follows them keep them across restarts) or in
 * the storage next to the log ({@code kv-storage}: committed with the applied index after each batch, so a restart
 * resumes where they left off). Deterministic as {@link StateMachine} requires: sorted, no clocks, no hash order.
 *
 * <p>Failure modes: a malformed command changes nothing and yields an error result (status {@code 0xFF} and a
 * message), so a batch applies whole or not at all; a malformed query yields an error result too. Neither
 * {@link #apply} nor {@link #query} lets an exception escape for bad input. {@link #restore} throws a
 * {@link StorageException} when a snapshot record is malformed, keys are not strictly ascending, or the record count
 * disagrees with the snapshot's metadata; the state is then left as it was.
 */
public final class KvStateMachine implements StateMachine {
    // Pages of a restore: bounded in records and bytes so that a large snapshot is never read whole.
    private static final int RESTORE_PAGE_RECORDS = 1024;
    private static final int RESTORE_PAGE_BYTES = 1 << 20;

    private final KvData entries;
    private final KvCommandHandler applier = new Applier();
    private long appliedIndex;

    /** A map on the heap. */
    public KvStateMachine() {
        this(new HeapKvData());
    }

    KvStateMachine(KvData entries) {
        this.entries = entries;
        this.appliedIndex = entries.openedAppliedIndex();
    }

    /**
     * @return the index of the last command applied or snapshot restored; 0 for a new map, which holds nothing.
     */
    @Override
    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * Applies a PUT, DEL or BATCH. The command is validated whole before anything changes.
     *
     * @param index   the command's log index.
     * @param command the command between position and limit; neither is moved.
     * @return {@link KvCodec#OK} (shared, empty) on success, else an error result naming what was malformed.
     */
    @Override
    public byte[] apply(long index, ByteBuffer command) {
        appliedIndex = index;
        try {
            KvCodec.decodeCommand(command, KvCommandHandler.VALIDATE_ONLY);
        } catch (KvFormatException e) {
            return KvCodec.encodeError(e.getMessage());
        }
        KvCodec.decodeCommand(command, applier);
        return KvCodec.OK;
    }

    @Override
    public void commit(long index) {
        entries.commit(index);
    }

    /**
     * Answers a GET or RANGE.
     *
     * @param query the query between position and limit; neither is moved.
     * @return the GET or RANGE result, or an error result when the query is malformed or its answer would not fit
     *         in one array.
     */
    @Override
    public byte[] query(ByteBuffer query) {
        try {
            final byte op = KvCodec.queryOp(query);
            return switch (op) {
                case KvCodec.GET -> KvCodec.encodeGetResult(entries.get(KvCodec.decodeGet(query)));
                case KvCodec.RANGE -> range(KvCodec.decodeRange(query));
                default -> KvCodec.encodeError("unknown query op " + op + ": expected GET (16) or RANGE (17)");
            };
        } catch (KvFormatException e) {
            return KvCodec.encodeError(e.getMessage());
        }
    }

    /**
     * Writes one record per entry, in ascending key order, laid out as {@link KvCodec}'s snapshot records:
     * {@code [keyLen:int][key][valueLen:int][value]}, big-endian.
     *
     * @param writer receives the records; the caller commits it.
     */
    @Override
    public void snapshot(SnapshotStore.Writer writer) {
        final ByteBuffer[] record = {ByteBuffer.allocate(0)};
        entries.forEach((key, value) -> {
            final int length = KvCodec.snapshotRecordLength(key, value);
            if (record[0].capacity() < length) {
                record[0] = ByteBuffer.allocate((int)Math.min(KvCodec.MAX_ENCODED_BYTES,
                    Math.max(length, 2L * record[0].capacity())));
            }
            record[0].clear();
            KvCodec.encodeSnapshotRecord(record[0], key, value);
            record[0].flip();
            writer.append(record[0]);
        });
    }

    /**
     * Replaces the whole map with a snapshot's, reading it a page at a time; the snapshot's index becomes the
     * applied index. The map changes only once the whole snapshot has been read and found valid.
     *
     * @param reader the snapshot.
     * @throws StorageException when the snapshot is malformed.
     */
    @Override
    public void restore(SnapshotStore.Reader reader) {
        final SnapshotMeta meta = reader.meta();
        final Restorer restorer = new Restorer(entries.restore());
        long next = 0;
        while (true) {
            final int read = reader.read(next, RESTORE_PAGE_RECORDS, RESTORE_PAGE_BYTES, restorer);
            if (null != restorer.failure) {
                throw new StorageException("kv snapshot at index " + meta.index() + " is malformed at "
                    + restorer.failure);
            }
            if (read <= 0) {
                break;
            }
            next += read;
        }
        if (meta.records() >= 0 && meta.records() != next) {
            throw new StorageException("kv snapshot at index " + meta.index() + " holds " + next
                + " records, expected " + meta.records());
        }
        restorer.restore.finish(meta.index());
        appliedIndex = meta.index();
    }

    /** Releases the entries (the heap map; storage-resident entries stay in the storage). */
    @Override
    public void close() {
        entries.close();
    }

    private byte[] range(KvRange range) {
        final int max = range.limit() < 0 ? Integer.MAX_VALUE : range.limit();
        return KvCodec.encodeRangeResult(entries.range(range, max), range.keys(), range.values());
    }

    private static byte[] copy(ByteBuffer buffer, int index, int length) {
        final byte[] bytes = new byte[length];
        buffer.get(index, bytes);
        return bytes;
    }

    private final class Applier implements KvCommandHandler {
        @Override
        public void put(ByteBuffer buffer, int keyIndex, int keyLength, int valueIndex, int valueLength) {
            entries.put(copy(buffer, keyIndex, keyLength), copy(buffer, valueIndex, valueLength));
        }

        @Override
        public void delete(ByteBuffer buffer, int keyIndex, int keyLength) {
            entries.delete(copy(buffer, keyIndex, keyLength));
        }
    }

    // Collects snapshot records into a new map, remembering the first failure rather than throwing it through the
    // store's reader, which then ends its page normally.
    private static final class Restorer implements SnapshotStore.RecordHandler, KvCommandHandler {
        private final KvData.Restore restore;
        private long record;
        private byte[] previousKey;
        private String failure;

        Restorer(KvData.Restore restore) {
            this.restore = restore;
        }

        @Override
        public void onRecord(ByteBuffer buffer) {
            if (null == failure) {
                try {
                    KvCodec.decodeSnapshotRecord(buffer, this);
                } catch (KvFormatException e) {
                    failure = "record " + record + ": " + e.getMessage();
                }
            }
            record++;
        }

        @Override
        public void put(ByteBuffer buffer, int keyIndex, int keyLength, int valueIndex, int valueLength) {
            final byte[] key = copy(buffer, keyIndex, keyLength);
            if (null != previousKey && Arrays.compareUnsigned(previousKey, key) >= 0) {
                throw new KvFormatException("its key is not above the previous record's key: expected strictly "
                    + "ascending keys");
            }
            restore.put(key, copy(buffer, valueIndex, valueLength));
            previousKey = key;
        }

        @Override
        public void delete(ByteBuffer buffer, int keyIndex, int keyLength) {
            throw new KvFormatException("a snapshot record cannot delete a key");
        }
    }
}
