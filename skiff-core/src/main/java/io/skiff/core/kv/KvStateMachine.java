package io.skiff.core.kv;

import io.skiff.StorageException;
import io.skiff.spi.SnapshotMeta;
import io.skiff.spi.SnapshotStore;
import io.skiff.spi.StateMachine;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The replicated ordered key-value map behind {@link io.skiff.LevelUp}: keys ordered as unsigned bytes, commands
 * PUT, DEL and atomic BATCH, queries GET and RANGE, all in the format of {@link KvCodec}.
 *
 * <p>The map lives in memory; a node keeps it across restarts with snapshots plus the log that follows them.
 * Deterministic as {@link StateMachine} requires: a sorted map, no clocks, no hash iteration order.
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

    private final TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);
    private final KvCommandHandler applier = new Applier();
    private long appliedIndex;

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
        ByteBuffer record = ByteBuffer.allocate(0);
        for (Map.Entry<byte[], byte[]> entry : entries.entrySet()) {
            final int length = KvCodec.snapshotRecordLength(entry.getKey(), entry.getValue());
            if (record.capacity() < length) {
                record = ByteBuffer.allocate((int)Math.min(KvCodec.MAX_ENCODED_BYTES,
                    Math.max(length, 2L * record.capacity())));
            }
            record.clear();
            KvCodec.encodeSnapshotRecord(record, entry.getKey(), entry.getValue());
            record.flip();
            writer.append(record);
        }
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
        final Restorer restorer = new Restorer();
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
        entries.clear();
        entries.putAll(restorer.restored);
        appliedIndex = meta.index();
    }

    /** Drops the map. */
    @Override
    public void close() {
        entries.clear();
    }

    private byte[] range(KvRange range) {
        final NavigableMap<byte[], byte[]> bounded = bounded(range);
        final NavigableMap<byte[], byte[]> ordered = range.reverse() ? bounded.descendingMap() : bounded;
        final int max = range.limit() < 0 ? Integer.MAX_VALUE : range.limit();
        final List<Map.Entry<byte[], byte[]>> selected = new ArrayList<>();
        for (Map.Entry<byte[], byte[]> entry : ordered.entrySet()) {
            if (selected.size() >= max) {
                break;
            }
            selected.add(entry);
        }
        return KvCodec.encodeRangeResult(selected, range.keys(), range.values());
    }

    private NavigableMap<byte[], byte[]> bounded(KvRange range) {
        final byte[] lower = range.lower();
        final byte[] upper = range.upper();
        if (null != lower && null != upper) {
            // TreeMap.subMap rejects a lower bound above the upper one; such a range is simply empty.
            if (Arrays.compareUnsigned(lower, upper) > 0) {
                return Collections.emptyNavigableMap();
            }
            return entries.subMap(lower, range.lowerInclusive(), upper, range.upperInclusive());
        }
        if (null != lower) {
            return entries.tailMap(lower, range.lowerInclusive());
        }
        if (null != upper) {
            return entries.headMap(upper, range.upperInclusive());
        }
        return entries;
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
            entries.remove(copy(buffer, keyIndex, keyLength));
        }
    }

    // Collects snapshot records into a new map, remembering the first failure rather than throwing it through the
    // store's reader, which then ends its page normally.
    private static final class Restorer implements SnapshotStore.RecordHandler, KvCommandHandler {
        private final TreeMap<byte[], byte[]> restored = new TreeMap<>(Arrays::compareUnsigned);
        private long record;
        private byte[] previousKey;
        private String failure;

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
            restored.put(key, copy(buffer, valueIndex, valueLength));
            previousKey = key;
        }

        @Override
        public void delete(ByteBuffer buffer, int keyIndex, int keyLength) {
            throw new KvFormatException("a snapshot record cannot delete a key");
        }
    }
}
