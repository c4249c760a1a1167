package io.skiff.transport.aeron.cluster;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/**
 * Builds Skiff frames byte by byte from the wire format (skiff-core's {@code FrameHeader}, whose package is not
 * exported to this module), as a foreign or broken sender would: a 28-byte little-endian header (magic 'SKFF',
 * version, type, flags, sender length, 64-bit cluster id hash, term, body length), the sender's address text, the
 * body and, when flag 1 is set, a 16-byte HMAC-SHA256 over everything before it.
 */
final class RawFrames {
    static final int MAGIC = 0x46464B53;
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 28;
    static final int VERSION_OFFSET = 4;
    static final int TYPE_OFFSET = 5;
    static final int FLAGS_OFFSET = 6;
    static final int BODY_LENGTH_OFFSET = 24;
    static final int FLAG_AUTHENTICATED = 1;
    static final int MAC_LENGTH = 16;

    static final int APPEND_REQUEST = 1;
    static final int HEARTBEAT = 3;
    static final int VOTE_REQUEST = 5;
    static final int PRE_VOTE_REQUEST = 7;
    static final int READ_INDEX_REQUEST = 12;
    static final int PEERS_REQUEST = 14;
    /** RequestVote and PreVote bodies: lastIndex(8) lastTerm(8) flags(1) round(8). */
    static final int VOTE_BODY_LENGTH = 25;
    /** AppendEntries body before its entries: prevIndex(8) prevTerm(8) commit(8) count(4). */
    static final int APPEND_FIXED_LENGTH = 28;

    private RawFrames() {
    }

    /** @return the 64-bit id a cluster id travels as: FNV-1a over its UTF-8 bytes. */
    static long clusterIdHash(String clusterId) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : clusterId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xFF;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** @return a frame whose header states the body's true length. */
    static byte[] frame(int version, int type, String clusterId, long term, String sender, byte[] body) {
        final byte[] senderBytes = sender.getBytes(StandardCharsets.US_ASCII);
        final ByteBuffer frame = ByteBuffer.allocate(HEADER_LENGTH + senderBytes.length + body.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        frame.putInt(MAGIC).put((byte)version).put((byte)type).put((byte)0).put((byte)senderBytes.length)
            .putLong(clusterIdHash(clusterId)).putLong(term).putInt(body.length).put(senderBytes).put(body);
        return frame.array();
    }

    /** @return a well-formed RequestVote (or PreVote) claiming an empty log. */
    static byte[] voteRequest(boolean preVote, String clusterId, long term, String sender) {
        return frame(VERSION, preVote ? PRE_VOTE_REQUEST : VOTE_REQUEST, clusterId, term, sender,
            new byte[VOTE_BODY_LENGTH]);
    }

    /** @return a copy of the frame with the body length field overwritten. */
    static byte[] withBodyLength(byte[] frame, int bodyLength) {
        final byte[] copy = frame.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(BODY_LENGTH_OFFSET, bodyLength);
        return copy;
    }

    /** @return a copy of the frame with one header byte overwritten. */
    static byte[] withByte(byte[] frame, int offset, int value) {
        final byte[] copy = frame.clone();
        copy[offset] = (byte)value;
        return copy;
    }

    /** @return the frame's first {@code length} bytes. */
    static byte[] truncated(byte[] frame, int length) {
        return Arrays.copyOf(frame, length);
    }

    /** @return the frame with the authenticated flag set and its MAC under {@code key} appended. */
    static byte[] signed(byte[] frame, byte[] key) {
        final byte[] flagged = withByte(frame, FLAGS_OFFSET, frame[FLAGS_OFFSET] | FLAG_AUTHENTICATED);
        try {
            final Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            final byte[] digest = mac.doFinal(flagged);
            final byte[] signed = Arrays.copyOf(flagged, flagged.length + MAC_LENGTH);
            System.arraycopy(digest, 0, signed, flagged.length, MAC_LENGTH);
            return signed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
