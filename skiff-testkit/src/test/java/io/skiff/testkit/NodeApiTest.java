package io.skiff.testkit;

import io.skiff.NodeState;
import io.skiff.NodeStats;
import io.skiff.NodeStoppedException;
import io.skiff.NotLeaderException;
import io.skiff.PeerInfo;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import io.skiff.SkiffTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The node API of the spec on a running cluster: stats, peers, term, leader, readConsensus and lifecycle events. */
class NodeApiTest {
    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @Test
    void statsReportRoleTermAndLogPositions() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        Await.result(leader.levelup().put("k", "v"));

        // The write's future may complete a moment before the leader publishes the positions it reached.
        final NodeStats stats = Await.value("stats of " + leader + " with the write applied", leader::stats,
            now -> now.appliedIndex() == now.lastIndex());

        assertThat(stats.address()).isEqualTo(leader.address());
        assertThat(stats.state()).isEqualTo(NodeState.LEADER);
        assertThat(stats.term()).isEqualTo(leader.term()).isPositive();
        assertThat(stats.leader()).isEqualTo(leader.address());
        assertThat(stats.firstIndex()).isLessThanOrEqualTo(stats.lastIndex());
        assertThat(stats.lastIndex()).isGreaterThanOrEqualTo(2);
        assertThat(stats.commitIndex()).isEqualTo(stats.lastIndex());
        assertThat(stats.appliedIndex()).isEqualTo(stats.commitIndex());
        for (SkiffNode follower : cluster.followersOf(leader)) {
            final NodeStats followerStats = follower.stats();
            assertThat(followerStats.state()).isEqualTo(NodeState.FOLLOWER);
            assertThat(followerStats.leader()).isEqualTo(leader.address());
            assertThat(followerStats.term()).isEqualTo(stats.term());
        }
    }

    @Test
    void rpcCountsByTypeGrowOnBothEnds() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        final NodeStats before = leader.stats();

        Await.result(leader.levelup().put("k", "v"));
        Await.value("more heartbeats sent by the leader", leader::stats,
            now -> now.rpcsSent().get("Heartbeat") > before.rpcsSent().get("Heartbeat"));

        // Counted when the follower polls the frames, which may be a moment after the leader sent them.
        final NodeStats received = Await.value("appends and heartbeats answered by " + follower, follower::stats,
            now -> now.rpcsSent().get("HeartbeatResponse") > 0 && now.rpcsSent().get("AppendEntriesResponse") > 0);
        final NodeStats after = leader.stats();
        assertThat(after.rpcsSent().get("AppendEntries")).isGreaterThan(before.rpcsSent().get("AppendEntries"));
        assertThat(after.rpcsReceived().get("AppendEntriesResponse"))
            .isGreaterThan(before.rpcsReceived().get("AppendEntriesResponse"));
        assertThat(after.messagesSent()).isGreaterThan(before.messagesSent());
        assertThat(after.messagesReceived()).isGreaterThan(before.messagesReceived());
        assertThat(received.rpcsReceived().get("AppendEntries")).isPositive();
        assertThat(received.rpcsReceived().get("Heartbeat")).isPositive();
        assertThat(received.rpcsSent().get("HeartbeatResponse")).isPositive();
        assertThat(leader.stats().rpcsReceived().get("RequestVoteResponse")
            + leader.stats().rpcsReceived().get("PreVoteResponse")).as("votes the leader was granted").isPositive();
        assertThat(after.rpcsSent()).containsKeys("AppendEntries", "RequestVote", "InstallSnapshot");
    }

    @Test
    void peersOnTheLeaderListsEveryMemberWithItsMatchIndex() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        Await.result(leader.levelup().put("k", "v"));
        final long lastIndex = leader.stats().lastIndex();

        final List<PeerInfo> peers = Await.value("peers with every follower caught up",
            () -> Await.result(leader.peers()), list -> list.stream().allMatch(peer -> peer.matchIndex() == lastIndex));

        assertThat(peers).extracting(peer -> peer.address().toString())
            .containsExactlyInAnyOrderElementsOf(TestCluster.ADDRESSES);
        assertThat(peers).filteredOn(peer -> peer.state() == NodeState.LEADER).extracting(PeerInfo::address)
            .containsExactly(leader.address());
        assertThat(peers).filteredOn(peer -> !peer.address().equals(leader.address()))
            .allSatisfy(peer -> {
                assertThat(peer.state()).isEqualTo(NodeState.FOLLOWER);
                assertThat(peer.connected()).isTrue();
                assertThat(peer.nextIndex()).isEqualTo(lastIndex + 1);
                assertThat(peer.lastSentAgo()).isNotNull();
                assertThat(peer.lastReceivedAgo()).isNotNull();
            });
    }

    @Test
    void peersOnAFollowerIsAnsweredByTheLeader() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        Await.result(leader.levelup().put("k", "v"));

        final List<PeerInfo> peers = Await.result(follower.peers());

        assertThat(peers).extracting(peer -> peer.address().toString())
            .containsExactlyInAnyOrderElementsOf(TestCluster.ADDRESSES);
        assertThat(peers).filteredOn(peer -> peer.state() == NodeState.LEADER).extracting(PeerInfo::address)
            .containsExactly(leader.address());
        assertThat(peers).filteredOn(peer -> peer.address().equals(follower.address())).singleElement()
            .satisfies(self -> assertThat(self.matchIndex()).isPositive());
    }

    @Test
    void peersFailsAsNotLeaderWhenNoLeaderIsKnown() {
        cluster = TestCluster.started();
        final SkiffNode follower = cluster.followersOf(cluster.awaitLeader()).get(0);
        cluster.network().isolate(follower.address().toString());
        Await.until(follower + " lost its leader", () -> follower.leader().isEmpty());

        assertThat(Await.failure(follower.peers())).isInstanceOf(NotLeaderException.class);
    }

    @Test
    void termIsTheTermTheLeaderWasElectedIn() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        TestCluster.drainEvents(leader);

        final List<SkiffEvent.BecameLeader> won = cluster.events(leader).of(SkiffEvent.BecameLeader.class);

        assertThat(won).hasSize(1);
        for (SkiffNode node : cluster.nodes()) {
            assertThat(node.term()).as("term of %s", node).isEqualTo(won.get(0).term());
        }
    }

    @Test
    void readConsensusCompletesOnTheLeaderAndOnFollowers() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long readsBefore = leader.stats().counter("readRounds");

        for (SkiffNode node : cluster.nodes()) {
            Await.result(node.readConsensus());
        }

        assertThat(leader.stats().counter("readRounds")).isGreaterThan(readsBefore);
    }

    @Test
    void readConsensusFailsOnALeaderCutOffFromItsFollowers() {
        cluster = TestCluster.create(options -> options.rpcTimeout(Duration.ofMillis(200)).clientMaxRetries(2))
            .startAll();
        final SkiffNode leader = cluster.awaitLeader();
        cluster.network().isolate(leader.address().toString());

        final Throwable failure = Await.failure(leader.readConsensus());

        assertThat(failure).isInstanceOfAny(NotLeaderException.class, SkiffTimeoutException.class);
    }

    @Test
    void leaderIsKnownToEveryNodeAndEmptyWhenStopped() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();

        for (SkiffNode node : cluster.nodes()) {
            assertThat(node.leader()).isEqualTo(Optional.of(leader.address()));
        }
        cluster.stop(leader);
        assertThat(leader.leader()).isEmpty();
        assertThat(leader.state()).isEqualTo(NodeState.STOPPED);
        assertThat(leader.stats().state()).isEqualTo(NodeState.STOPPED);
    }

    @Test
    void startedAndStoppedAreReportedOnceEach() {
        cluster = TestCluster.started();
        final SkiffNode node = cluster.node("/mem/a");

        cluster.stop(node);
        Await.result(node.stop());

        final List<SkiffEvent> events = cluster.events(node).all();
        assertThat(events).filteredOn(event -> event instanceof SkiffEvent.Started)
            .containsExactly(new SkiffEvent.Started(node.address()));
        assertThat(events).filteredOn(event -> event instanceof SkiffEvent.Stopped)
            .containsExactly(new SkiffEvent.Stopped(node.address()));
        assertThat(events.get(0)).isInstanceOf(SkiffEvent.Started.class);
        assertThat(events.get(events.size() - 1)).isInstanceOf(SkiffEvent.Stopped.class);
    }

    @Test
    void operationsOnAStoppedNodeFailWithNodeStopped() {
        cluster = TestCluster.started();
        final SkiffNode node = cluster.node("/mem/b");
        cluster.stop(node);

        assertThat(Await.failure(node.levelup().put("k", "v"))).isInstanceOf(NodeStoppedException.class)
            .satisfies(failure -> assertThat(((NodeStoppedException)failure).outcomeUnknown()).isFalse());
        assertThat(Await.failure(node.readConsensus())).isInstanceOf(NodeStoppedException.class);
        assertThat(node.term()).isZero();
    }

    @Test
    void stoppingANodeFailsItsPendingCommandsSayingWhetherTheyMayHaveBeenApplied() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        cluster.network().isolate(leader.address().toString());
        final CompletableFuture<Void> proposed = leader.levelup().put("k", "v");
        Await.until("the command is proposed", () -> leader.stats().counter("commandsProposed") == 1);

        cluster.stop(leader);

        assertThat(Await.failure(proposed)).isInstanceOf(NodeStoppedException.class)
            .satisfies(failure -> assertThat(((NodeStoppedException)failure).outcomeUnknown()).isTrue());
    }

    @Test
    void startingARunningNodeAgainIsHarmless() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();

        Await.result(leader.start());

        assertThat(leader.state()).isEqualTo(NodeState.LEADER);
        assertThat(leader.term()).isEqualTo(term);
        assertThat(cluster.events(leader).of(SkiffEvent.Started.class)).hasSize(1);
    }

    @Test
    void aStoppedNodeCanBeStartedAgain() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);
        cluster.stop(follower);
        Await.result(leader.levelup().put("k", "v"));

        cluster.start(follower.address().toString());

        Await.until(follower + " caught up", () -> follower.stats().appliedIndex() >= leader.stats().commitIndex());
        assertThat(Await.result(follower.levelup().get("k"))).contains("v");
        assertThat(cluster.events(follower).of(SkiffEvent.Started.class)).hasSize(2);
    }

    @Test
    void rpcLatencyEventsArriveForEveryFollower() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();

        for (SkiffNode follower : cluster.followersOf(leader)) {
            Await.until("a latency sample of " + follower + " on " + leader,
                () -> cluster.events(leader).count(SkiffEvent.RpcLatency.class,
                    sample -> sample.peer().equals(follower.address())) > 0);
        }
        assertThat(cluster.events(leader).of(SkiffEvent.RpcLatency.class)).allSatisfy(sample -> {
            assertThat(sample.node()).isEqualTo(leader.address());
            assertThat(sample.latency()).isGreaterThanOrEqualTo(Duration.ZERO).isLessThan(Await.TIMEOUT);
        });
    }
}
