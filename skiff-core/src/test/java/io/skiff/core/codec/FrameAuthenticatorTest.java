package io.skiff.core.codec;

import io.skiff.InvalidOptionsException;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameAuthenticatorTest {
    private static final long CLUSTER = FrameHeader.clusterIdHash("auth");
    private static final byte[] OLD = "old-secret-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEW = "new-secret-9876543210".getBytes(StandardCharsets.US_ASCII);

    private final FrameDecoder<String> rotating = decoder(List.of(NEW, OLD));

    @Test
    void aFrameSignedWithTheKeyPasses() {
        final MutableDirectBuffer buffer = new ExpandableArrayBuffer(256);
        final int length = new FrameEncoder(CLUSTER, "/mem/a", new FrameAuthenticator(List.of(NEW)))
            .heartbeat(buffer, 0, 3, 2, 1);
        assertThat(rotating.decode(buffer, 0, length, new CountingHandler())).isEqualTo(FrameDecoder.OK);
    }

    @Test
    void duringRotationFramesSignedWithTheOldKeyStillPass() {
        final MutableDirectBuffer buffer = new ExpandableDirectByteBuffer(256);
        final int length = new FrameEncoder(CLUSTER, "/mem/a", new FrameAuthenticator(List.of(OLD)))
            .voteRequest(buffer, 0, false, 4, 9, 3, false, 1);
        assertThat(rotating.decode(buffer, 0, length, new CountingHandler())).isEqualTo(FrameDecoder.OK);
        assertThat(decoder(List.of(NEW)).decode(buffer, 0, length, new CountingHandler()))
            .as("after rotation the old key no longer passes").isEqualTo(FrameDecoder.NOT_AUTHENTIC);
    }

    @Test
    void unsignedTamperedAndWronglySignedFramesAreRefused() {
        final MutableDirectBuffer buffer = new ExpandableArrayBuffer(256);
        final CountingHandler handler = new CountingHandler();
        int length = new FrameEncoder(CLUSTER, "/mem/a").heartbeat(buffer, 0, 3, 2, 1);
        assertThat(rotating.decode(buffer, 0, length, handler)).isEqualTo(FrameDecoder.NOT_AUTHENTIC);

        length = new FrameEncoder(CLUSTER, "/mem/a",
            new FrameAuthenticator(List.of("attacker-key-0000000".getBytes(StandardCharsets.US_ASCII))))
            .heartbeat(buffer, 0, 3, 2, 1);
        assertThat(rotating.decode(buffer, 0, length, handler)).isEqualTo(FrameDecoder.NOT_AUTHENTIC);

        length = new FrameEncoder(CLUSTER, "/mem/a", new FrameAuthenticator(List.of(NEW)))
            .heartbeat(buffer, 0, 3, 2, 1);
        buffer.putLong(length - FrameHeader.MAC_LENGTH - 8, 999, FrameHeader.BYTE_ORDER);
        assertThat(rotating.decode(buffer, 0, length, handler)).isEqualTo(FrameDecoder.NOT_AUTHENTIC);
        assertThat(handler.calls).isZero();
    }

    @Test
    void shortKeysAreRefusedWithTheirLength() {
        assertThatThrownBy(() -> new FrameAuthenticator(List.of(new byte[8])))
            .isInstanceOf(InvalidOptionsException.class).hasMessageContaining("8 bytes").hasMessageContaining("16");
    }

    private static FrameDecoder<String> decoder(List<byte[]> keys) {
        return new FrameDecoder<>(CLUSTER, (t, b, o, l) -> "peer", new FrameAuthenticator(keys));
    }

    private static final class CountingHandler implements MessageHandler<String> {
        int calls;

        @Override
        public void onAppendRequest(String from, long term, long prevIndex, long prevTerm, long commit,
            EntryBatch entries) {
            calls++;
        }

        @Override
        public void onAppendResponse(String from, long term, boolean success, long index, long hintIndex,
            long hintTerm) {
            calls++;
        }

        @Override
        public void onHeartbeat(String from, long term, long commit, long readSeq) {
            calls++;
        }

        @Override
        public void onHeartbeatResponse(String from, long term, long readSeq) {
            calls++;
        }

        @Override
        public void onVoteRequest(String from, long term, boolean preVote, long lastIndex, long lastTerm,
            boolean transfer, long round) {
            calls++;
        }

        @Override
        public void onVoteResponse(String from, long term, boolean preVote, boolean granted, long round) {
            calls++;
        }

        @Override
        public void onTimeoutNow(String from, long term) {
            calls++;
        }

        @Override
        public void onClientRequest(String from, long term, CommandBatch commands) {
            calls++;
        }

        @Override
        public void onClientReject(String from, long term, org.agrona.DirectBuffer buffer, int leaderOffset,
            int leaderLength) {
            calls++;
        }

        @Override
        public void onReadIndexRequest(String from, long term, long requestId) {
            calls++;
        }

        @Override
        public void onReadIndexResponse(String from, long term, long requestId, long readIndex, boolean success) {
            calls++;
        }

        @Override
        public void onPeersRequest(String from, long term, long requestId) {
            calls++;
        }

        @Override
        public void onPeersResponse(String from, long term, long requestId, org.agrona.DirectBuffer buffer,
            int offset, int count) {
            calls++;
        }

        @Override
        public void onInstallSnapshot(String from, long term, SnapshotChunk chunk) {
            calls++;
        }

        @Override
        public void onInstallSnapshotResponse(String from, long term, long snapshotIndex, long snapshotTerm,
            long nextOffset, boolean success) {
            calls++;
        }

        @Override
        public void onMembershipRequest(String from, long term, long requestId, int operation,
            org.agrona.DirectBuffer buffer, int addressOffset, int addressLength) {
            calls++;
        }

        @Override
        public void onMembershipResponse(String from, long term, long requestId, int status,
            org.agrona.DirectBuffer buffer, int messageOffset, int messageLength) {
            calls++;
        }
    }
}
