package io.skiff.core.runtime;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.PeerInfo;
import io.skiff.core.codec.MessageLayout;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.skiff.core.codec.FrameHeader.BYTE_ORDER;

/** Turns the peer entries of a PeersResponse (or a leader's own view, laid out the same way) into API values. */
final class PeerList {
    private PeerList() {
    }

    static List<PeerInfo> decode(DirectBuffer buffer, int offset, int count) {
        final List<PeerInfo> peers = new ArrayList<>(count);
        final NodeState[] states = NodeState.values();
        int p = offset;
        for (int i = 0; i < count; i++) {
            final int addressLength = buffer.getByte(p) & 0xFF;
            final byte[] address = new byte[addressLength];
            buffer.getBytes(p + 1, address);
            p += 1 + addressLength;
            final int state = buffer.getByte(p) & 0xFF;
            final boolean connected = buffer.getByte(p + 1) != 0;
            final long match = buffer.getLong(p + 2, BYTE_ORDER);
            final long next = buffer.getLong(p + 10, BYTE_ORDER);
            final long sentAgo = buffer.getLong(p + 18, BYTE_ORDER);
            final long receivedAgo = buffer.getLong(p + 26, BYTE_ORDER);
            p += MessageLayout.PEERS_RESPONSE_PEER_FIXED;
            peers.add(new PeerInfo(NodeAddress.parse(new String(address, StandardCharsets.US_ASCII)),
                state < states.length ? states[state] : NodeState.FOLLOWER, connected, match, next,
                sentAgo < 0 ? null : Duration.ofNanos(sentAgo),
                receivedAgo < 0 ? null : Duration.ofNanos(receivedAgo)));
        }
        return peers;
    }
}
