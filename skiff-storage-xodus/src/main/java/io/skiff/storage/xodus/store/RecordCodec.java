package io.skiff.storage.xodus.store;

import io.skiff.StorageException;
import jetbrains.exodus.ByteIterable;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The layout of every value Skiff stores in Xodus, with its checksum: a 28-byte header and the payload.
 *
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +---------------+---------------+-------------------------------+
 *  |    version    |     kind      |          reserved (0)         |  0
 *  +---------------+---------------+-------------------------------+
 *  |                        sequence (int64)                       |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                           tag (int64)                         | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                    payload length (int32)                     | 20
 *  +---------------------------------------------------------------+
 *  |        CRC32C over bytes 0..23 and the payload (int32)        | 24
 *  +---------------------------------------------------------------+
 *  |                          payload ...                          | 28
 * </pre>
 *
 * <p>All fields are big-endian. For a log entry the sequence is its index (equal to its key) and the tag its term;
 * for a snapshot record the sequence is its record number (equal to its key) and the tag the snapshot's id; for a
 * key-value entry the sequence is the CRC32C of its key and the tag its store's generation; meta records carry 0 in
 * both. Xodus 2.0.1 keeps no checksum of its own, so this one is what stands between a flipped
 * bit on disk and a wrong answer.
 *
 * <p>Not thread-safe: each store owns one codec. {@link #verify} hands back a view of a scratch buffer that the next
 * call overwrites, so reading allocates nothing of its own per record.
 */
final class RecordCodec {
    static final byte VERSION = 1;
    static final int HEADER_BYTES = 28;
    static final long ANY_TAG = Long.MIN_VALUE;

    private static final int KIND_OFFSET = 1;
    private static final int RESERVED_OFFSET = 2;
    private static final int SEQUENCE_OFFSET = 4;
    private static final int TAG_OFFSET = 12;
    private static final int LENGTH_OFFSET = 20;
    private static final int CRC_OFFSET = 24;

    private final Path environment;
    private final CRC32C crc = new CRC32C();
    private byte[] scratch = new byte[1024];
    private ByteBuffer view = ByteBuffer.wrap(scratch);
    private long tag;

    /** @param environment the Xodus environment's directory, named in error messages. */
    RecordCodec(Path environment) {
        this.environment = environment;
    }

    /**
     * Builds a stored value. Allocates the value itself: Xodus keeps it until the transaction commits.
     *
     * @param payload the bytes between position and limit; position and limit are left unchanged.
     * @return header and payload.
     */
    byte[] encode(RecordKind kind, long sequence, long tag, ByteBuffer payload) {
        final int length = payload.remaining();
        final byte[] value = new byte[HEADER_BYTES + length];
        payload.get(payload.position(), value, HEADER_BYTES, length);
        seal(value, kind, sequence, tag, length);
        return value;
    }

    /** Builds a stored value from a whole array. */
    byte[] encode(RecordKind kind, long sequence, long tag, byte[] payload) {
        final byte[] value = new byte[HEADER_BYTES + payload.length];
        System.arraycopy(payload, 0, value, HEADER_BYTES, payload.length);
        seal(value, kind, sequence, tag, payload.length);
        return value;
    }

    /**
     * Checks a stored value: format version, length, checksum, kind, sequence against the key it was found under and,
     * unless {@link #ANY_TAG}, the tag.
     *
     * @param stored      the value read from Xodus.
     * @param kind        the kind expected.
     * @param store       the Xodus store it was read from, for the error message.
     * @param key         the key it was read under: the expected sequence.
     * @param expectedTag the tag expected, or {@link #ANY_TAG}.
     * @return the payload, from position 0 to its length, valid until the next call.
     * @throws StorageException naming the record, the store, the environment and what was expected and found.
     */
    ByteBuffer verify(ByteIterable stored, RecordKind kind, String store, long key, long expectedTag) {
        final int payloadLength = check(stored, kind, store, key, expectedTag);
        if (scratch.length < payloadLength) {
            scratch = new byte[Math.max(payloadLength, scratch.length * 2)];
            view = ByteBuffer.wrap(scratch);
        }
        System.arraycopy(stored.getBytesUnsafe(), HEADER_BYTES, scratch, 0, payloadLength);
        view.limit(payloadLength).position(0);
        return view;
    }

    /**
     * Checks a stored value as {@link #verify} does and returns a copy of its payload that the caller keeps.
     *
     * @return the payload, in an array of its own.
     * @throws StorageException as {@link #verify} does.
     */
    byte[] verifyCopy(ByteIterable stored, RecordKind kind, String store, long key, long expectedTag) {
        final int payloadLength = check(stored, kind, store, key, expectedTag);
        return Arrays.copyOfRange(stored.getBytesUnsafe(), HEADER_BYTES, HEADER_BYTES + payloadLength);
    }

    /** @return the payload's length, once every check passed; {@link #tag()} is then the record's tag. */
    private int check(ByteIterable stored, RecordKind kind, String store, long key, long expectedTag) {
        final int length = stored.getLength();
        final byte[] bytes = stored.getBytesUnsafe();
        if (length < HEADER_BYTES) {
            throw corrupt(kind, store, key, "the value is " + length + " bytes, shorter than the " + HEADER_BYTES
                + "-byte record header");
        }
        if (bytes[0] != VERSION) {
            throw corrupt(kind, store, key, "record format version " + (bytes[0] & 0xFF) + ", expected " + VERSION);
        }
        final int payloadLength = (int)Keys.INT.get(bytes, LENGTH_OFFSET);
        if (payloadLength != length - HEADER_BYTES) {
            throw corrupt(kind, store, key, "the header gives a payload of " + payloadLength
                + " bytes, the value holds " + (length - HEADER_BYTES));
        }
        final int storedCrc = (int)Keys.INT.get(bytes, CRC_OFFSET);
        final int computedCrc = checksum(bytes, payloadLength);
        if (storedCrc != computedCrc) {
            throw corrupt(kind, store, key, "checksum mismatch: stored CRC32C 0x" + Integer.toHexString(storedCrc)
                + ", computed 0x" + Integer.toHexString(computedCrc) + " over " + length + " bytes");
        }
        if (bytes[KIND_OFFSET] != kind.code()) {
            throw corrupt(kind, store, key, "expected a " + kind.description() + ", found a "
                + RecordKind.describe(bytes[KIND_OFFSET]));
        }
        if (bytes[RESERVED_OFFSET] != 0 || bytes[RESERVED_OFFSET + 1] != 0) {
            throw corrupt(kind, store, key, "reserved header bytes are 0x" + Integer.toHexString(
                bytes[RESERVED_OFFSET] & 0xFF) + " 0x" + Integer.toHexString(bytes[RESERVED_OFFSET + 1] & 0xFF)
                + ", expected 0 (written by a newer format?)");
        }
        final long sequence = (long)Keys.LONG.get(bytes, SEQUENCE_OFFSET);
        if (sequence != key) {
            throw corrupt(kind, store, key, "the record holds sequence number " + sequence + ", expected " + key
                + " (its key)");
        }
        final long foundTag = (long)Keys.LONG.get(bytes, TAG_OFFSET);
        if (expectedTag != ANY_TAG && foundTag != expectedTag) {
            throw corrupt(kind, store, key, "the record belongs to " + foundTag + ", expected " + expectedTag);
        }
        tag = foundTag;
        return payloadLength;
    }

    /** @return the tag of the record last verified (a log entry's term). */
    long tag() {
        return tag;
    }

    /** @return a StorageException describing a corrupt record. */
    StorageException corrupt(RecordKind kind, String store, long key, String detail) {
        return new StorageException("corrupt " + kind.description() + (kind == RecordKind.LOG_ENTRY
            || kind == RecordKind.SNAPSHOT_RECORD ? " " + key : "") + " in store '" + store
            + "' of the Xodus environment " + environment + ": " + detail);
    }

    private void seal(byte[] value, RecordKind kind, long sequence, long tag, int length) {
        value[0] = VERSION;
        value[KIND_OFFSET] = kind.code();
        Keys.LONG.set(value, SEQUENCE_OFFSET, sequence);
        Keys.LONG.set(value, TAG_OFFSET, tag);
        Keys.INT.set(value, LENGTH_OFFSET, length);
        Keys.INT.set(value, CRC_OFFSET, checksum(value, length));
    }

    private int checksum(byte[] value, int payloadLength) {
        crc.reset();
        crc.update(value, 0, CRC_OFFSET);
        crc.update(value, HEADER_BYTES, payloadLength);
        return (int)crc.getValue();
    }
}
