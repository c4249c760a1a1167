package io.skiff.core.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import static io.skiff.core.codec.FrameHeader.BYTE_ORDER;

/**
 * Layout of one log entry, identical on the wire (inside AppendEntries) and in storage (little-endian).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Index (64 bits)                       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Term (64 bits)                       |
 *  |                                                               |
 *  +---------------+-----------------------------------------------+
 *  |     Type      |                  Reserved (0)                 |
 *  +---------------+-----------------------------------------------+
 *  |                        Payload Length                         |
 *  +---------------------------------------------------------------+
 *  |        CRC32C of bytes 0..23 followed by the payload          |
 *  +---------------------------------------------------------------+
 *  |                     Payload                                  ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The checksum is computed once by the leader that creates the entry and checked by every node that receives it
 * and by every read from storage, so corruption anywhere between is caught end to end.
 */
public final class LogEntry {
    public static final int INDEX_OFFSET = 0;
    public static final int TERM_OFFSET = 8;
    public static final int TYPE_OFFSET = 16;
    public static final int PAYLOAD_LENGTH_OFFSET = 20;
    public static final int CHECKSUM_OFFSET = 24;
    public static final int HEADER_LENGTH = 28;

    /** A state machine command, with a client session header (see {@link ClientCommand}). */
    public static final int TYPE_COMMAND = 1;
    /** The empty entry a new leader appends to commit its term (thesis §6.4). */
    public static final int TYPE_NOOP = 2;
    /** A cluster configuration. */
    public static final int TYPE_CONFIGURATION = 3;

    private LogEntry() {
    }

    /**
     * Writes an entry header and checksum around a payload already at {@code offset + HEADER_LENGTH}.
     *
     * @return the entry's total length.
     */
    public static int seal(MutableDirectBuffer buffer, int offset, long index, long term, int type, int payloadLength,
        Checksums checksums) {
        buffer.putLong(offset + INDEX_OFFSET, index, BYTE_ORDER);
        buffer.putLong(offset + TERM_OFFSET, term, BYTE_ORDER);
        buffer.putInt(offset + TYPE_OFFSET, type, BYTE_ORDER);
        buffer.putInt(offset + PAYLOAD_LENGTH_OFFSET, payloadLength, BYTE_ORDER);
        buffer.putInt(offset + CHECKSUM_OFFSET, checksum(buffer, offset, payloadLength, checksums), BYTE_ORDER);
        return HEADER_LENGTH + payloadLength;
    }

    public static long index(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + INDEX_OFFSET, BYTE_ORDER);
    }

    public static long term(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + TERM_OFFSET, BYTE_ORDER);
    }

    public static int type(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public static int payloadLength(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset + PAYLOAD_LENGTH_OFFSET, BYTE_ORDER);
    }

    public static int storedChecksum(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset + CHECKSUM_OFFSET, BYTE_ORDER);
    }

    /** @return the checksum the entry at {@code offset} should carry. */
    public static int checksum(DirectBuffer buffer, int offset, int payloadLength, Checksums checksums) {
        return checksums.reset()
            .update(buffer, offset, CHECKSUM_OFFSET)
            .update(buffer, offset + HEADER_LENGTH, payloadLength)
            .value();
    }

    /**
     * Validates one entry in {@code [offset, offset + available)}.
     *
     * @param expectedIndex the index the entry must carry, or -1 to accept any.
     * @return the entry's length, or a negative {@link EntryError} code.
     */
    public static int validate(DirectBuffer buffer, int offset, int available, long expectedIndex,
        Checksums checksums) {
        if (available < HEADER_LENGTH) {
            return EntryError.TRUNCATED;
        }
        final int payloadLength = payloadLength(buffer, offset);
        if (payloadLength < 0 || payloadLength > available - HEADER_LENGTH) {
            return EntryError.TRUNCATED;
        }
        final int type = type(buffer, offset);
        if (type < TYPE_COMMAND || type > TYPE_CONFIGURATION) {
            return EntryError.UNKNOWN_TYPE;
        }
        if (expectedIndex >= 0 && index(buffer, offset) != expectedIndex) {
            return EntryError.WRONG_INDEX;
        }
        if (term(buffer, offset) < 1) {
            return EntryError.BAD_TERM;
        }
        if (storedChecksum(buffer, offset) != checksum(buffer, offset, payloadLength, checksums)) {
            return EntryError.CHECKSUM;
        }
        return HEADER_LENGTH + payloadLength;
    }
}
