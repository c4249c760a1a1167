package io.skiff.core.raft;

import io.skiff.NodeAddress;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StrangersTest {
    private final Strangers strangers = new Strangers();

    @Test
    void theStrangerFollowedAsLeaderIsNeverEvictedNorExpired() {
        final List<Peer> heard = new ArrayList<>();
        for (int i = 0; i < Strangers.CAPACITY; i++) {
            heard.add(stranger("/mem/s" + i, i));
        }
        final Peer leader = heard.get(0);
        for (Peer peer : heard) {
            assertThat(strangers.add(peer, leader)).isNull();
        }

        assertThat(strangers.add(stranger("/mem/new", 100), leader)).isSameAs(heard.get(1));
        assertThat(strangers.count()).isEqualTo(Strangers.CAPACITY);
        final List<Peer> expired = new ArrayList<>();
        Peer peer;
        while (null != (peer = strangers.expire(50, leader))) {
            expired.add(peer);
        }
        assertThat(expired).containsExactlyInAnyOrderElementsOf(heard.subList(2, heard.size()));
        assertThat(strangers.count()).isEqualTo(2);
        assertThat(find("/mem/s0")).isSameAs(leader);
        assertThat(find("/mem/s1")).isNull();
    }

    @Test
    void aStrangerThatJoinsIsTakenOutByAddress() {
        final Peer peer = stranger("/mem/s1", 1);
        strangers.add(peer, null);
        assertThat(strangers.remove(NodeAddress.parse("/mem/s2"))).isNull();
        assertThat(strangers.remove(NodeAddress.parse("/mem/s1"))).isSameAs(peer);
        assertThat(strangers.count()).isZero();
        assertThat(find("/mem/s1")).isNull();
    }

    private Peer find(String address) {
        final byte[] bytes = address.getBytes(StandardCharsets.US_ASCII);
        return strangers.find(new UnsafeBuffer(bytes), 0, bytes.length);
    }

    private static Peer stranger(String address, long heardNs) {
        final Peer peer = new Peer(NodeAddress.parse(address), 4, 1024);
        peer.stranger = true;
        peer.lastReceivedNs = heardNs;
        return peer;
    }
}
