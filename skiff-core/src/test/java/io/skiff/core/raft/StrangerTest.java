package io.skiff.core.raft;

import io.skiff.NodeAddress;
import io.skiff.core.codec.FrameDecoder;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.MessageLayout;
import io.skiff.core.codec.MessageType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.skiff.core.raft.RaftHarness.MS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Raft messages from senders outside the receiver's configuration (strangers). Thesis §4.1: servers process
 * incoming RPCs without consulting their configurations, so a node whose log is behind follows, and votes for,
 * members added while it was away.
 */
class StrangerTest {
    private static final NodeAddress STRANGER = NodeAddress.parse("/mem/s9");

    @Test
    void aFollowerAnswersAppendEntriesFromALeaderOutsideItsConfiguration() {
        final RaftHarness h = new RaftHarness(3, 61);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node follower = followerOf(h, leader);
        final long term = follower.core.term() + 1;
        final RaftLog log = follower.core.log();

        final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);
        final FrameEncoder encoder = new FrameEncoder(FrameHeader.clusterIdHash(RaftHarness.CLUSTER),
            STRANGER.toString());
        encoder.beginAppendRequest(frame, 0, term, log.lastIndex(), log.lastTerm(), follower.core.commitIndex());
        final int length = encoder.finishAppendRequest(frame, 0, 0, 0);
        assertThat(follower.decoder.decode(frame, 0, length, follower.core)).isEqualTo(FrameDecoder.OK);
        follower.process();

        assertThat(follower.core.term()).isEqualTo(term);
        assertThat(follower.core.leader()).isEqualTo(STRANGER);
        assertThat(h.network).filteredOn(f -> f.from().equals(follower.address) && f.to().equals(STRANGER))
            .extracting(RaftHarness.Frame::type).containsExactly(MessageType.APPEND_RESPONSE);
        assertThat(follower.core.peers()).extracting(Peer::address).doesNotContain(STRANGER).hasSize(2);
    }

    /**
     * The worst case of the bug: while one member was cut off, every other member was replaced ({s1, s2, s3} became
     * {s3, s4, s5}). The cut-off member only knows peers that are gone; it must follow the new leader it has never
     * heard of, or the cluster has lost a voter for good.
     */
    @Test
    void aMemberThatMissedTheReplacementOfEveryPeerCatchesUpOnceHealed() {
        final RaftHarness h = new RaftHarness(3, 62);
        final RaftHarness.Node lagging = replaceEveryPeerOfAFollower(h);
        final RaftHarness.Node leader = h.leader();
        for (int i = 0; i < 10; i++) {
            h.propose(leader, RaftHarness.command("while-away-" + i));
        }
        h.advance(100 * MS);

        h.heal();
        h.advance(1000 * MS);

        assertThat(h.leader()).isSameAs(leader);
        assertThat(lagging.core.configuration()).isEqualTo(leader.core.configuration());
        assertThat(lagging.terms()).isEqualTo(leader.terms());
        assertThat(lagging.core.commitIndex()).isEqualTo(leader.core.commitIndex());
        // Its vote and its copy now count: with the other new member gone, the leader still commits.
        h.nodes.values().stream().filter(n -> !n.down && n != leader && n != lagging).findFirst().orElseThrow()
            .crash();
        final long index = h.propose(leader, RaftHarness.command("needs-the-lagging-member"));
        h.advance(100 * MS);
        assertThat(leader.core.commitIndex()).isEqualTo(index);
    }

    @Test
    void aCandidateUnknownToALaggingVoterStillGetsItsVote() {
        final RaftHarness h = new RaftHarness(3, 63);
        final RaftHarness.Node lagging = replaceEveryPeerOfAFollower(h);
        final RaftHarness.Node leader = h.leader();
        final RaftHarness.Node candidate = h.nodes.values().stream()
            .filter(n -> !n.down && n != leader && n != lagging).findFirst().orElseThrow();

        // The leader fails as the cut heals: of the three voters only the candidate and the lagging member are left.
        leader.crash();
        h.heal();
        h.advance(2000 * MS);

        assertThat(h.leader()).as("a leader among %s", h.nodes.values()).isSameAs(candidate);
        assertThat(lagging.core.votedFor()).isEqualTo(candidate.address);
        h.advance(200 * MS);
        assertThat(lagging.core.configuration()).isEqualTo(candidate.core.configuration());
        assertThat(lagging.core.commitIndex()).isEqualTo(candidate.core.log().lastIndex());
    }

    private static RaftHarness.Node followerOf(RaftHarness h, RaftHarness.Node leader) {
        return h.nodes.values().stream().filter(n -> n != leader && !n.down).findFirst().orElseThrow();
    }

    /**
     * Cuts a follower off, then replaces every other member by two new nodes, one change at a time, and crashes the
     * members that left.
     *
     * @return the follower that was cut off; the cut is still in force.
     */
    private static RaftHarness.Node replaceEveryPeerOfAFollower(RaftHarness h) {
        final RaftHarness.Node first = h.electLeader();
        for (int i = 0; i < 10; i++) {
            h.propose(first, RaftHarness.command("before-" + i));
        }
        h.advance(100 * MS);
        final RaftHarness.Node lagging = followerOf(h, first);
        h.isolate(h.addresses.indexOf(lagging.address) + 1);
        final List<RaftHarness.Node> old = new ArrayList<>(h.nodes.values());
        old.remove(lagging);
        for (int i = 0; i < 2; i++) {
            final RaftHarness.Node joiner = h.addNode();
            assertThat(h.change(h.electLeader(), MessageLayout.MEMBERSHIP_JOIN, joiner.address)).contains("joined");
        }
        // The old leader leaves last, so that every change but the last is made by one leader.
        old.sort((a, b) -> Boolean.compare(a == first, b == first));
        for (RaftHarness.Node leaving : old) {
            assertThat(h.change(h.electLeader(), MessageLayout.MEMBERSHIP_LEAVE, leaving.address)).contains("left");
        }
        h.advance(500 * MS);
        for (RaftHarness.Node leaving : old) {
            leaving.crash();
        }
        final RaftHarness.Node leader = h.electLeader();
        assertThat(leader.core.configuration().voters()).hasSize(3).contains(lagging.address)
            .doesNotContainAnyElementsOf(old.stream().map(n -> n.address).toList());
        assertThat(lagging.core.configuration().voters()).containsAll(old.stream().map(n -> n.address).toList());
        return lagging;
    }
}
