package io.skiff.core.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

/**
 * Layout of the header every frame starts with (little-endian).
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                         Magic 'SKFF'                          |
 *  +---------------+---------------+---------------+---------------+
 *  |    Version    |     Type      |     Flags     | Sender Length |
 *  +---------------+---------------+---------------+---------------+
 *  |                       Cluster Id (64 bits)                    |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Term (64 bits)                       |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                          Body Length                          |
 *  +---------------------------------------------------------------+
 *  |            Sender address, ASCII, Sender Length bytes        ...
 *  +---------------------------------------------------------------+
 *  |                     Body, Body Length bytes                  ...
 *  +---------------------------------------------------------------+
 *  |        MAC (16 bytes) when flag AUTHENTICATED is set         ...
 *  +---------------------------------------------------------------+
 * </pre>
 *
 * The sender travels as its address text so that a node can answer a peer it has not been told about (a joining
 * node learns its leader this way); the cluster id is a 64-bit hash of the configured id.
 */
public final class FrameHeader {
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    public static final int MAGIC = 0x46464B53;
    public static final int VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int TYPE_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    public static final int SENDER_LENGTH_OFFSET = 7;
    public static final int CLUSTER_ID_OFFSET = 8;
    public static final int TERM_OFFSET = 16;
    public static final int BODY_LENGTH_OFFSET = 24;
    public static final int SENDER_OFFSET = 28;
    public static final int LENGTH = SENDER_OFFSET;

    /** Flag: a MAC over header and body follows the body. */
    public static final int FLAG_AUTHENTICATED = 1;
    public static final int MAC_LENGTH = 16;

    private FrameHeader() {
    }

    /**
     * Writes a header.
     *
     * @return the offset of the body.
     */
    public static int encode(MutableDirectBuffer buffer, int offset, int type, int flags, long clusterId, long term,
        byte[] sender, int bodyLength) {
        buffer.putInt(offset + MAGIC_OFFSET, MAGIC, BYTE_ORDER);
        buffer.putByte(offset + VERSION_OFFSET, (byte)VERSION);
        buffer.putByte(offset + TYPE_OFFSET, (byte)type);
        buffer.putByte(offset + FLAGS_OFFSET, (byte)flags);
        buffer.putByte(offset + SENDER_LENGTH_OFFSET, (byte)sender.length);
        buffer.putLong(offset + CLUSTER_ID_OFFSET, clusterId, BYTE_ORDER);
        buffer.putLong(offset + TERM_OFFSET, term, BYTE_ORDER);
        buffer.putInt(offset + BODY_LENGTH_OFFSET, bodyLength, BYTE_ORDER);
        buffer.putBytes(offset + SENDER_OFFSET, sender);
        return offset + SENDER_OFFSET + sender.length;
    }

    public static int magic(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset + MAGIC_OFFSET, BYTE_ORDER);
    }

    public static int version(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset + VERSION_OFFSET) & 0xFF;
    }

    public static int type(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset + TYPE_OFFSET) & 0xFF;
    }

    public static int flags(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset + FLAGS_OFFSET) & 0xFF;
    }

    public static int senderLength(DirectBuffer buffer, int offset) {
        return buffer.getByte(offset + SENDER_LENGTH_OFFSET) & 0xFF;
    }

    public static long clusterId(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + CLUSTER_ID_OFFSET, BYTE_ORDER);
    }

    public static long term(DirectBuffer buffer, int offset) {
        return buffer.getLong(offset + TERM_OFFSET, BYTE_ORDER);
    }

    public static int bodyLength(DirectBuffer buffer, int offset) {
        return buffer.getInt(offset + BODY_LENGTH_OFFSET, BYTE_ORDER);
    }

    /**
     * The 64-bit id a cluster id string travels as (FNV-1a over its UTF-8 bytes).
     *
     * @param clusterId the configured cluster id.
     * @return its hash.
     */
    public static long clusterIdHash(String clusterId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : clusterId.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
