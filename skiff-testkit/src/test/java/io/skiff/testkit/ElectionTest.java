package io.skiff.testkit;

import io.skiff.NodeState;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The spec's election scenario: one of three nodes is elected, everyone agrees, and the events say so once. */
class ElectionTest {
    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @Test
    void exactlyOneOfThreeNodesIsElected() {
        cluster = TestCluster.started();

        final SkiffNode leader = cluster.awaitLeader();

        assertThat(cluster.nodes()).filteredOn(node -> node.state() == NodeState.LEADER).containsExactly(leader);
        assertThat(cluster.followersOf(leader)).extracting(SkiffNode::state)
            .allMatch(state -> state == NodeState.FOLLOWER);
    }

    @Test
    void allNodesAgreeOnTheLeaderAndItsTerm() {
        cluster = TestCluster.started();

        final SkiffNode leader = cluster.awaitLeader();

        assertThat(leader.term()).isPositive();
        for (SkiffNode node : cluster.nodes()) {
            assertThat(node.leader()).as("leader known to %s", node).isEqualTo(Optional.of(leader.address()));
            assertThat(node.term()).as("term of %s", node).isEqualTo(leader.term());
            assertThat(node.stats().leader()).isEqualTo(leader.address());
        }
    }

    @Test
    void becameLeaderFiresOnceOnTheWinnerAndNowhereElse() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();

        cluster.nodes().forEach(TestCluster::drainEvents);

        assertThat(cluster.events(leader).of(SkiffEvent.BecameLeader.class))
            .containsExactly(new SkiffEvent.BecameLeader(leader.address(), term));
        for (SkiffNode follower : cluster.followersOf(leader)) {
            assertThat(cluster.events(follower).count(SkiffEvent.BecameLeader.class, e -> e.term() == term))
                .as("BecameLeader of term %d on follower %s", term, follower).isZero();
        }
    }

    @Test
    void stateChangedEventsReportEachChangeExactlyOnce() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();

        for (SkiffNode node : cluster.nodes()) {
            TestCluster.drainEvents(node);
            final List<SkiffEvent.StateChanged> changes = cluster.events(node).of(SkiffEvent.StateChanged.class);
            for (int i = 0; i < changes.size(); i++) {
                final SkiffEvent.StateChanged change = changes.get(i);
                assertThat(change.node()).isEqualTo(node.address());
                assertThat(change.from()).as("change %d of %s: %s", i, node, changes).isNotEqualTo(change.to());
                if (i > 0) {
                    assertThat(change.from()).as("change %d of %s follows the previous one: %s", i, node, changes)
                        .isEqualTo(changes.get(i - 1).to());
                    assertThat(change.term()).as("terms of %s never go back: %s", node, changes)
                        .isGreaterThanOrEqualTo(changes.get(i - 1).term());
                }
            }
            final NodeState last = changes.isEmpty() ? NodeState.FOLLOWER : changes.get(changes.size() - 1).to();
            assertThat(last).as("the last change of %s is its current state", node).isEqualTo(node.state());
        }
        final List<SkiffEvent.StateChanged> won = cluster.events(leader).of(SkiffEvent.StateChanged.class);
        assertThat(won).filteredOn(change -> change.to() == NodeState.LEADER)
            .containsExactly(new SkiffEvent.StateChanged(leader.address(), NodeState.CANDIDATE, NodeState.LEADER,
                leader.term()));
    }

    @Test
    void everyNodeHearsWhoTheLeaderIs() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();

        for (SkiffNode node : cluster.nodes()) {
            TestCluster.drainEvents(node);
            final List<SkiffEvent.LeaderChanged> changes = cluster.events(node).of(SkiffEvent.LeaderChanged.class);
            assertThat(changes).as("leader changes on %s", node).isNotEmpty();
            assertThat(changes.get(changes.size() - 1))
                .isEqualTo(new SkiffEvent.LeaderChanged(node.address(), leader.address(), leader.term()));
        }
        assertThat(cluster.events(leader).of(SkiffEvent.ElectionTimeout.class)).as("the winner's election timeout")
            .isNotEmpty();
    }

    @Test
    void theRemainingTwoElectANewLeaderInALaterTermWhenTheLeaderStops() {
        cluster = TestCluster.started();
        final SkiffNode first = cluster.awaitLeader();
        final long firstTerm = first.term();

        cluster.stop(first);
        final SkiffNode second = cluster.awaitLeader();

        assertThat(second).isNotSameAs(first);
        assertThat(second.term()).isGreaterThan(firstTerm);
        assertThat(first.state()).isEqualTo(NodeState.STOPPED);
    }
}
