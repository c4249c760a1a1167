package io.skiff.testkit;

import io.skiff.NodeAddress;
import io.skiff.NodeState;
import io.skiff.RangeOptions;
import io.skiff.ReadConsistency;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.core.codec.FrameHeader;
import io.skiff.core.codec.MessageType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's network scenarios: sending to peers that are not there yet, peers that leave and come back, and frames
 * that are garbage, truncated, from another cluster or from a stranger.
 */
class NetworkTest {
    private TestCluster cluster;
    private Intruder intruder;

    @AfterEach
    void stopCluster() {
        if (null != intruder) {
            intruder.close();
        }
        if (null != cluster) {
            cluster.close();
        }
    }

    @Test
    void aNodeWhosePeersHaveNotStartedFormsAClusterOnceTheyStart() {
        cluster = TestCluster.create();
        final SkiffNode a = cluster.start("/mem/a");
        Await.until("/mem/a tried to reach its absent peers", () -> a.stats().counter("sendNotConnected") > 0
            && a.stats().counter("elections") >= 2);
        assertThat(a.state()).isNotEqualTo(NodeState.LEADER);

        final SkiffNode b = cluster.start("/mem/b");
        final SkiffNode leader = cluster.awaitLeader();
        Await.result(leader.levelup().put("early", "bird"));
        final SkiffNode c = cluster.start("/mem/c");

        Await.until("/mem/c caught up", () -> Await.result(c.levelup().get("early", ReadConsistency.LOCAL))
            .isPresent());
        assertThat(cluster.awaitLeader()).isIn(a, b);
        assertThat(Await.value("the peers /mem/a saw connect", () -> cluster.events(a).of(SkiffEvent.Connected.class)
            .stream().map(SkiffEvent.Connected::peer).collect(Collectors.toList()), peers -> peers.size() >= 2))
            .containsExactlyInAnyOrder(b.address(), c.address());
    }

    @Test
    void aPeerThatRestartsOnTheSameAddressReconnectsAndCatchesUp() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        final long followerTerm = follower.term();
        Await.result(leader.levelup().put("before", "1"));

        cluster.stop(follower);
        Await.until(leader + " saw " + follower + " disconnect",
            () -> connectionEvents(leader, follower.address()).contains("disconnected"));
        // More entries than one AppendEntries carries (batchEntriesLimit), so catching up takes several.
        for (int i = 0; i < 50; i++) {
            leader.levelup().put("while-down-" + i, "2");
        }
        Await.result(leader.levelup().put("while-down", "2"));
        final SkiffNode restarted = cluster.restart(follower);

        Await.until(restarted + " caught up", () -> Await.result(restarted.levelup().get("while-down",
            ReadConsistency.LOCAL)).isPresent());
        assertThat(Await.result(restarted.levelup().range(RangeOptions.all().gte("while-down")
            .consistency(ReadConsistency.LOCAL)))).hasSize(51);
        assertThat(Await.result(restarted.levelup().get("before", ReadConsistency.LOCAL))).contains("1");
        assertThat(restarted.term()).isGreaterThanOrEqualTo(followerTerm);
        Await.until(leader + " saw " + restarted + " connect again",
            () -> connectionEvents(leader, restarted.address()).size() >= 3);
        assertThat(connectionEvents(leader, restarted.address()))
            .containsExactly("connected", "disconnected", "connected");
        assertThat(cluster.events(restarted).of(SkiffEvent.Started.class)).hasSize(2);
        assertThat(cluster.events(restarted).of(SkiffEvent.Stopped.class)).hasSize(1);
    }

    @Test
    void malformedFramesAreDroppedCountedAndReportedWhileTheNodeKeepsServing() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();
        intruder = new Intruder(cluster.network());

        for (SkiffNode node : cluster.nodes()) {
            // Claims to come from the leader (or, sent to the leader, from a follower) in the current term.
            final SkiffNode claimed = node == leader ? cluster.followersOf(leader).get(0) : leader;
            final byte[] heartbeat = Intruder.heartbeat("skiff", claimed.address().toString(), term);
            for (byte[] frame : malformedFrames(heartbeat)) {
                intruder.send(node.address(), frame);
            }
            intruder.send(node.address(), Intruder.withVersion(heartbeat, 99));
        }

        final int expected = malformedFrames(Intruder.heartbeat("skiff", "/mem/a", 1)).size();
        for (SkiffNode node : cluster.nodes()) {
            Await.until("frames counted as malformed and of an unsupported version by " + node,
                () -> node.stats().counter("framesMalformed") == expected
                    && node.stats().counter("framesUnsupportedVersion") == 1);
        }
        assertThatTheClusterStillServes(leader, term);
        for (SkiffNode node : cluster.nodes()) {
            assertThat(cluster.events(node).of(SkiffEvent.Warning.class)).as("warnings on %s", node).isNotEmpty()
                .allSatisfy(warning -> assertThat(warning.node()).isEqualTo(node.address()));
        }
    }

    @Test
    void framesOfAnotherClusterAreDroppedAndCounted() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        intruder = new Intruder(cluster.network());

        // A leader of another cluster that happens to use the same addresses, in a far later term.
        intruder.send(follower.address(), Intruder.heartbeat("another-cluster", leader.address().toString(),
            term + 1000));
        intruder.send(leader.address(), Intruder.voteRequest("another-cluster",
            follower.address().toString(), term + 1000));

        Await.until("both frames counted", () -> follower.stats().counter("framesWrongCluster") == 1
            && leader.stats().counter("framesWrongCluster") == 1);
        assertThatTheClusterStillServes(leader, term);
        Await.until(follower + " warned about the foreign frame",
            () -> !cluster.events(follower).of(SkiffEvent.Warning.class).isEmpty());
    }

    /**
     * Requests only members may make, and Raft messages that name the receiver itself as their sender, are dropped:
     * a node serves its leader's members, and is no peer of its own.
     */
    @Test
    void requestsFromANonMemberAreDroppedAndCounted() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();
        intruder = new Intruder(cluster.network());

        for (SkiffNode node : cluster.nodes()) {
            intruder.send(node.address(), Intruder.joinRequest("skiff", Intruder.ADDRESS, Intruder.ADDRESS));
            intruder.send(node.address(), Intruder.readIndexRequest("skiff", Intruder.ADDRESS));
            intruder.send(node.address(), Intruder.heartbeat("skiff", node.address().toString(), term + 1000));
        }

        for (SkiffNode node : cluster.nodes()) {
            Await.value("frames from strangers counted by " + node,
                () -> node.stats().counter("framesUnknownSender"), count -> count == 3);
        }
        assertThatTheClusterStillServes(leader, term);
        assertThat(intruder.received()).as("answers to the intruder").isEmpty();
    }

    /**
     * Thesis §4.1: a node answers Raft messages without consulting its configuration, since a member whose log is
     * behind does not know the members added since. A stale heartbeat from a stranger gets the current term back.
     */
    @Test
    void aRaftMessageFromANonMemberIsAnsweredAndChangesNothing() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();
        intruder = new Intruder(cluster.network());

        for (SkiffNode node : cluster.nodes()) {
            intruder.send(node.address(), Intruder.heartbeat("skiff", Intruder.ADDRESS, 0));
        }

        final List<byte[]> answers = new ArrayList<>();
        Await.value("an answer from every node", () -> {
            answers.addAll(intruder.received());
            return answers.size();
        }, count -> count >= cluster.nodes().size());
        assertThat(answers).hasSize(cluster.nodes().size()).allSatisfy(frame -> {
            final UnsafeBuffer buffer = new UnsafeBuffer(frame);
            assertThat(FrameHeader.type(buffer, 0)).isEqualTo(MessageType.HEARTBEAT_RESPONSE);
            assertThat(FrameHeader.term(buffer, 0)).isEqualTo(term);
        });
        for (SkiffNode node : cluster.nodes()) {
            assertThat(node.stats().counter("framesUnknownSender")).as("dropped by %s", node).isZero();
        }
        assertThatTheClusterStillServes(leader, term);
    }

    @Test
    void warningsAboutDroppedFramesAreRateLimited() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        intruder = new Intruder(cluster.network());
        final int frames = 200;

        for (int i = 0; i < frames; i++) {
            intruder.send(leader.address(), Intruder.garbage());
        }

        Await.until("every frame counted", () -> leader.stats().counter("framesMalformed") == frames);
        TestCluster.drainEvents(leader);
        assertThat(cluster.events(leader).of(SkiffEvent.Warning.class)).hasSizeBetween(1, frames / 10);
    }

    @Test
    void aFailingListenerDoesNotStopTheNodeOrOtherListeners() {
        cluster = TestCluster.create();
        final Map<SkiffNode, EventLog> later = new HashMap<>();
        for (SkiffNode node : cluster.nodes()) {
            node.on(SkiffEvent.class, event -> {
                throw new IllegalStateException("a listener that always fails");
            });
            final EventLog log = new EventLog();
            node.on(SkiffEvent.class, log::record);
            later.put(node, log);
        }
        cluster.startAll();
        final SkiffNode leader = cluster.awaitLeader();

        Await.result(leader.levelup().put("still", "working"));

        assertThat(Await.result(cluster.followersOf(leader).get(0).levelup().get("still"))).contains("working");
        TestCluster.drainEvents(leader);
        assertThat(later.get(leader).of(SkiffEvent.BecameLeader.class)).as("events after the failing listener")
            .hasSize(1);
    }

    private static List<byte[]> malformedFrames(byte[] heartbeat) {
        return List.of(Intruder.garbage(), Intruder.shorterThanAHeader(), Intruder.truncated(heartbeat),
            Intruder.withoutSender(heartbeat), Intruder.withUnknownType(heartbeat), Intruder.withShortBody(heartbeat),
            new byte[0]);
    }

    /** Same leader, same term, and writes and reads still work on every node. */
    private void assertThatTheClusterStillServes(SkiffNode leader, long term) {
        for (SkiffNode node : cluster.nodes()) {
            Await.result(node.levelup().put("alive-" + node.address().host(), "yes"));
        }
        for (SkiffNode node : cluster.nodes()) {
            assertThat(Await.result(node.levelup().range())).as("entries read on %s", node).hasSize(3);
            assertThat(node.term()).as("term of %s", node).isEqualTo(term);
            assertThat(node.leader()).as("leader known to %s", node).contains(leader.address());
        }
    }

    private List<String> connectionEvents(SkiffNode node, NodeAddress peer) {
        return cluster.events(node).all().stream()
            .filter(event -> event instanceof SkiffEvent.Connected && ((SkiffEvent.Connected)event).peer().equals(peer)
                || event instanceof SkiffEvent.Disconnected && ((SkiffEvent.Disconnected)event).peer().equals(peer))
            .map(event -> event instanceof SkiffEvent.Connected ? "connected" : "disconnected")
            .collect(Collectors.toList());
    }
}
