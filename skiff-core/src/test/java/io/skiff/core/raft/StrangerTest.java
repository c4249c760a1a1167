package io.skiff.core.raft;

import io.skiff.NodeAddress;
import io.skiff.core.codec.FrameDecoder;
import io.skiff.core.codec.FrameEncoder;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.MessageLayout;
import io.skiff.core.codec.MessageType;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

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
        // The leader was a stranger to it until the configuration that adds it arrived; then it became a member.
        assertThat(lagging.strangersHeard).contains(leader.address);
        assertThat(lagging.strangersForgotten).doesNotContain(leader.address);
        assertThat(lagging.core.peers()).extracting(Peer::address).contains(leader.address);
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

    @Test
    void requestsFromAStrangerAreDroppedAndAnswersAcceptedOnlyOnceItIsKnown() {
        final RaftHarness h = new RaftHarness(3, 64);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node follower = followerOf(h, leader);
        final long term = follower.core.term();

        assertThat(decode(follower, STRANGER, (encoder, frame) -> {
            encoder.beginClientRequest(frame, 0, term);
            return encoder.finishClientRequest(frame, 0, 0, 0);
        })).isEqualTo(FrameDecoder.UNKNOWN_SENDER);
        assertThat(decode(follower, STRANGER, (encoder, frame) -> encoder.readIndexRequest(frame, 0, term, 1)))
            .isEqualTo(FrameDecoder.UNKNOWN_SENDER);
        assertThat(decode(follower, STRANGER, (encoder, frame) -> encoder.peersRequest(frame, 0, term, 2)))
            .isEqualTo(FrameDecoder.UNKNOWN_SENDER);
        assertThat(decode(follower, STRANGER, (encoder, frame) -> encoder.membershipRequest(frame, 0, term, 3,
            MessageLayout.MEMBERSHIP_JOIN, STRANGER.toString().getBytes(StandardCharsets.US_ASCII))))
            .isEqualTo(FrameDecoder.UNKNOWN_SENDER);
        assertThat(decode(follower, STRANGER, (encoder, frame) -> encoder.readIndexResponse(frame, 0, term, 4, 1,
            true))).as("an answer from a sender this node never heard of").isEqualTo(FrameDecoder.UNKNOWN_SENDER);
        assertThat(follower.strangersHeard).isEmpty();

        // A stale heartbeat is a Raft message: the stranger is admitted and told the current term.
        assertThat(decode(follower, STRANGER, (encoder, frame) -> encoder.heartbeat(frame, 0, term - 1, 0, 0)))
            .isEqualTo(FrameDecoder.OK);
        follower.process();
        assertThat(follower.strangersHeard).containsExactly(STRANGER);
        assertThat(h.network).filteredOn(f -> f.to().equals(STRANGER)).extracting(RaftHarness.Frame::type)
            .containsExactly(MessageType.HEARTBEAT_RESPONSE);
        assertThat(follower.core.term()).isEqualTo(term);
        assertThat(follower.core.leader()).isEqualTo(leader.address);

        assertThat(decode(follower, STRANGER, (encoder, frame) -> encoder.readIndexResponse(frame, 0, term, 4, 1,
            true))).as("an answer from a known stranger").isEqualTo(FrameDecoder.OK);
        assertThat(decode(follower, STRANGER, (encoder, frame) -> encoder.readIndexRequest(frame, 0, term, 5)))
            .as("a request from a known stranger").isEqualTo(FrameDecoder.UNKNOWN_SENDER);
    }

    @Test
    void framesNamingTheReceiverOrANonCanonicalAddressAreDropped() {
        final RaftHarness h = new RaftHarness(3, 65);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node follower = followerOf(h, leader);
        final long term = follower.core.term() + 5;

        for (String sender : List.of(follower.address.toString(), "/ip4/10.0.0.1/udp/09490", " /mem/s9",
            "not-an-address")) {
            assertThat(follower.decoder.decode(heartbeat(sender, term), 0, heartbeatLength(sender), follower.core))
                .as("a heartbeat from '%s'", sender).isEqualTo(FrameDecoder.UNKNOWN_SENDER);
        }
        assertThat(follower.strangersHeard).isEmpty();
        assertThat(follower.core.term()).isEqualTo(term - 5);
    }

    @Test
    void atMostEightStrangersAreKeptAndTheLeastRecentlyHeardMakesRoom() {
        final RaftHarness h = new RaftHarness(3, 66);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node follower = followerOf(h, leader);
        final List<NodeAddress> strangers = new ArrayList<>();
        for (int i = 10; i < 21; i++) {
            strangers.add(NodeAddress.parse("/mem/s" + i));
        }
        for (int i = 0; i < 10; i++) {
            hearStaleHeartbeat(h, follower, strangers.get(i));
        }
        assertThat(follower.strangersHeard).containsExactlyElementsOf(strangers.subList(0, 10));
        assertThat(follower.strangersForgotten).containsExactly(strangers.get(0), strangers.get(1));

        hearStaleHeartbeat(h, follower, strangers.get(2));
        hearStaleHeartbeat(h, follower, strangers.get(10));
        assertThat(follower.strangersHeard).hasSize(11);
        assertThat(follower.strangersForgotten).as("the third was heard again; the fourth is the oldest")
            .containsExactly(strangers.get(0), strangers.get(1), strangers.get(3));
    }

    @Test
    void aStrangerNotHeardForTwoElectionTimeoutsIsForgotten() {
        final RaftHarness h = new RaftHarness(3, 67);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node follower = followerOf(h, leader);
        hearStaleHeartbeat(h, follower, STRANGER);

        h.advance(2 * h.config.electionTimeoutMaxNs() - 20 * MS);
        assertThat(follower.strangersForgotten).isEmpty();
        h.advance(30 * MS);
        assertThat(follower.strangersForgotten).containsExactly(STRANGER);
        assertThat(h.leader()).isSameAs(leader);
    }

    @Test
    void votesAndAcknowledgementsOfStrangersCountForNothing() {
        final RaftHarness h = new RaftHarness(3, 68);
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final long term = leader.core.term();
        h.isolate(h.addresses.indexOf(leader.address) + 1);
        final long index = h.propose(leader, RaftHarness.command("unreplicated"));
        leader.process();
        for (String name : List.of("/mem/s8", "/mem/s9")) {
            assertThat(decode(leader, NodeAddress.parse(name), (encoder, frame) -> encoder.appendResponse(frame, 0,
                term, true, index, 0, 0))).isEqualTo(FrameDecoder.OK);
            leader.process();
        }
        assertThat(leader.core.commitIndex()).isLessThan(index);

        final RaftHarness.Node candidate = followerOf(h, leader);
        h.isolate(h.addresses.indexOf(candidate.address) + 1);
        h.campaign(candidate);
        assertThat(candidate.core.role()).isEqualTo(Role.PRE_CANDIDATE);
        for (String name : List.of("/mem/s8", "/mem/s9")) {
            assertThat(decode(candidate, NodeAddress.parse(name), (encoder, frame) -> encoder.voteResponse(frame, 0,
                true, candidate.core.term() + 1, true, candidate.core.electionRound()))).isEqualTo(FrameDecoder.OK);
            candidate.process();
        }
        assertThat(candidate.core.role()).isEqualTo(Role.PRE_CANDIDATE);
    }

    /**
     * Thesis §4.2.3: a server removed from the configuration never receives the entry that removes it, so it times
     * out and campaigns in ever higher terms. Its log lacks that entry, so nobody would vote for it; without
     * pre-vote or check-quorum to fend it off, its requests must still not raise the members' terms.
     */
    @Test
    void aRemovedVoterCampaigningWithoutPreVoteOrCheckQuorumDisruptsNothing() {
        final RaftHarness h = new RaftHarness(3, 69, new CoreConfig(150 * MS, 300 * MS, 50 * MS, 64, 64 * 1024, 16,
            1 << 20, false, false, 10, 256 * 1024));
        final RaftHarness.Node leader = h.electLeader();
        h.advance(100 * MS);
        final RaftHarness.Node removed = followerOf(h, leader);
        assertThat(h.change(leader, MessageLayout.MEMBERSHIP_LEAVE, removed.address)).contains("left");
        final long term = leader.core.term();

        h.advance(3000 * MS);

        assertThat(removed.core.term()).as("the removed node campaigned").isGreaterThan(term + 3);
        assertThat(h.leader()).isSameAs(leader);
        assertThat(leader.core.term()).isEqualTo(term);
        assertThat(h.nodes.values()).filteredOn(n -> n != removed)
            .allSatisfy(n -> assertThat(n.core.term()).isEqualTo(term));
        assertThat(leader.strangersHeard).containsExactly(removed.address);
    }

    private static void hearStaleHeartbeat(RaftHarness h, RaftHarness.Node node, NodeAddress from) {
        assertThat(decode(node, from, (encoder, frame) -> encoder.heartbeat(frame, 0, 0, 0, 0)))
            .isEqualTo(FrameDecoder.OK);
        node.process();
        h.advance(MS);
    }

    /** Encodes a frame from {@code sender} and hands it to the node's decoder and core. */
    private static int decode(RaftHarness.Node node, NodeAddress sender,
        BiFunction<FrameEncoder, MutableDirectBuffer, Integer> write) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        final int length = write.apply(new FrameEncoder(FrameHeader.clusterIdHash(RaftHarness.CLUSTER),
            sender.toString()), frame);
        return node.decoder.decode(frame, 0, length, node.core);
    }

    private static UnsafeBuffer heartbeat(String sender, long term) {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[512]);
        new FrameEncoder(FrameHeader.clusterIdHash(RaftHarness.CLUSTER), sender).heartbeat(frame, 0, term, 0, 0);
        return frame;
    }

    private static int heartbeatLength(String sender) {
        return new FrameEncoder(FrameHeader.clusterIdHash(RaftHarness.CLUSTER), sender)
            .heartbeat(new UnsafeBuffer(new byte[512]), 0, 1, 0, 0);
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
