package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.MessageType;
import io.skiff.spi.SendResult;
import io.skiff.spi.Transport;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A raw endpoint on a cluster's network that is no member: it sends nodes whatever bytes a test builds, from
 * garbage to frames that look right but come from another cluster or a stranger, and collects what nodes answer.
 */
final class Intruder implements AutoCloseable {
    static final String ADDRESS = "/mem/intruder";

    private final Transport transport;

    Intruder(InMemoryNetwork network) {
        transport = network.open(QuietContexts.of(NodeAddress.parse(ADDRESS)));
    }

    /**
     * Sends one frame.
     *
     * @param to    the node.
     * @param frame the bytes.
     */
    void send(NodeAddress to, byte[] frame) {
        transport.connect(to);
        final SendResult result = transport.send(to, ByteBuffer.wrap(frame));
        if (result != SendResult.SENT) {
            throw new AssertionError("the intruder's frame to " + to + " was not sent: " + result);
        }
    }

    /** @return copies of the frames that arrived since the last call. */
    List<byte[]> received() {
        final List<byte[]> frames = new ArrayList<>();
        transport.poll(frame -> {
            final byte[] copy = new byte[frame.remaining()];
            frame.duplicate().get(copy);
            frames.add(copy);
        }, Integer.MAX_VALUE);
        return frames;
    }

    /** @return bytes that are no frame at all. */
    static byte[] garbage() {
        return "GET / HTTP/1.1\r\nHost: skiff\r\n\r\nthis is not a skiff frame".getBytes(StandardCharsets.US_ASCII);
    }

    /** @return fewer bytes than a frame header. */
    static byte[] shorterThanAHeader() {
        return Arrays.copyOf(heartbeat("skiff", "/mem/a", 1), FrameHeader.LENGTH - 1);
    }

    /**
     * @param clusterId the cluster id the frame claims.
     * @param sender    the sender it claims.
     * @param term      its term.
     * @return a well-formed heartbeat.
     */
    static byte[] heartbeat(String clusterId, String sender, long term) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        final int length = new FrameEncoder(FrameHeader.clusterIdHash(clusterId), sender)
            .heartbeat(frame, 0, term, 0, 0);
        return Arrays.copyOf(frame.byteArray(), length);
    }

    /**
     * @param clusterId the cluster id the frame claims.
     * @param sender    the sender it claims.
     * @param term      the term it campaigns in.
     * @return a well-formed RequestVote that would win a vote if its sender were a member.
     */
    static byte[] voteRequest(String clusterId, String sender, long term) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        final int length = new FrameEncoder(FrameHeader.clusterIdHash(clusterId), sender)
            .voteRequest(frame, 0, false, term, Long.MAX_VALUE / 2, term - 1, false, 1);
        return Arrays.copyOf(frame.byteArray(), length);
    }

    /**
     * @param clusterId the cluster id the frame claims.
     * @param sender    the sender it claims.
     * @param target    the member it asks to add.
     * @return a well-formed request to add a member, which only a leader's members may make.
     */
    static byte[] joinRequest(String clusterId, String sender, String target) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        final int length = new FrameEncoder(FrameHeader.clusterIdHash(clusterId), sender)
            .membershipRequest(frame, 0, 1, 1, io.skiff.core.codec.MessageLayout.MEMBERSHIP_JOIN,
                target.getBytes(StandardCharsets.US_ASCII));
        return Arrays.copyOf(frame.byteArray(), length);
    }

    /**
     * @param clusterId the cluster id the frame claims.
     * @param sender    the sender it claims.
     * @return a well-formed ReadIndex request, which only a leader's members may make.
     */
    static byte[] readIndexRequest(String clusterId, String sender) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        final int length = new FrameEncoder(FrameHeader.clusterIdHash(clusterId), sender)
            .readIndexRequest(frame, 0, 1, 1);
        return Arrays.copyOf(frame.byteArray(), length);
    }

    /**
     * @param frame a well-formed frame.
     * @return the frame cut short, so that its header promises more bytes than arrive.
     */
    static byte[] truncated(byte[] frame) {
        return Arrays.copyOf(frame, frame.length - 3);
    }

    /**
     * @param frame a well-formed frame.
     * @return the frame with its sender length set to zero: a message with no sender.
     */
    static byte[] withoutSender(byte[] frame) {
        final byte[] copy = frame.clone();
        copy[FrameHeader.SENDER_LENGTH_OFFSET] = 0;
        return copy;
    }

    /**
     * @param frame a well-formed frame.
     * @return the frame with a message type no decoder knows.
     */
    static byte[] withUnknownType(byte[] frame) {
        final byte[] copy = frame.clone();
        copy[FrameHeader.TYPE_OFFSET] = (byte)(MessageType.COUNT + 7);
        return copy;
    }

    /**
     * @param frame   a well-formed frame.
     * @param version the protocol version to claim.
     * @return the frame with that version.
     */
    static byte[] withVersion(byte[] frame, int version) {
        final byte[] copy = frame.clone();
        copy[FrameHeader.VERSION_OFFSET] = (byte)version;
        return copy;
    }

    /**
     * @param frame a well-formed heartbeat.
     * @return the heartbeat with a body too short for its type, consistently declared in the header.
     */
    static byte[] withShortBody(byte[] frame) {
        final byte[] copy = Arrays.copyOf(frame, frame.length - 8);
        final UnsafeBuffer header = new UnsafeBuffer(copy);
        header.putInt(FrameHeader.BODY_LENGTH_OFFSET,
            header.getInt(FrameHeader.BODY_LENGTH_OFFSET, FrameHeader.BYTE_ORDER) - 8, FrameHeader.BYTE_ORDER);
        return copy;
    }

    @Override
    public void close() {
        transport.close();
    }
}
