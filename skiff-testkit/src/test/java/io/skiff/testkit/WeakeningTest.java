package io.skiff.testkit;

import io.skiff.NodeState;
import io.skiff.SkiffEvent;
import io.skiff.SkiffNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's weakening scenario: weakening every node but a preferred one steers the election to the preferred one,
 * whether the leader is weakened too, stopped or cut off.
 */
class WeakeningTest {
    /** Longer than any election here, so the weakened nodes stay out of it until the preferred node has won. */
    private static final Duration WEAKENED = Duration.ofSeconds(5);

    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (null != cluster) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "preferred node {0}")
    @ValueSource(strings = {"/mem/a", "/mem/b", "/mem/c"})
    void weakeningEveryOtherNodeElectsThePreferredOne(String preferredAddress) {
        cluster = TestCluster.started();
        final SkiffNode preferred = cluster.node(preferredAddress);
        SkiffNode leader = cluster.awaitLeader();
        if (leader == preferred) {
            // Hand leadership away first, so that the preferred node has to win an election.
            weaken(preferred, WEAKENED);
            leader = TestCluster.awaitLeaderAmong(cluster.followersOf(preferred));
        }
        final long termBefore = leader.term();

        for (SkiffNode node : cluster.followersOf(preferred)) {
            weaken(node, WEAKENED);
        }

        assertThat(cluster.awaitLeader()).isSameAs(preferred);
        assertThat(preferred.term()).isGreaterThan(termBefore);
    }

    @Test
    void weakenedLeaderStepsDownOnceAndFollowsTheNextLeader() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final long term = leader.term();

        weaken(leader, WEAKENED);

        final SkiffNode next = TestCluster.awaitLeaderAmong(cluster.followersOf(leader));
        assertThat(next).isNotSameAs(leader);
        Await.until(leader + " follows " + next, () -> leader.leader().equals(Optional.of(next.address())));
        TestCluster.drainEvents(leader);
        assertThat(cluster.events(leader).of(SkiffEvent.StateChanged.class))
            .filteredOn(change -> change.from() == NodeState.LEADER)
            .containsExactly(new SkiffEvent.StateChanged(leader.address(), NodeState.LEADER, NodeState.WEAKENED, term));
    }

    @Test
    void preferredNodeWinsWhenTheLeaderStopsAndTheOtherFollowerIsWeakened() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final List<SkiffNode> followers = cluster.followersOf(leader);
        final SkiffNode preferred = followers.get(0);
        final SkiffNode weakened = followers.get(1);
        weaken(weakened, WEAKENED);
        final int changesBefore = cluster.events(weakened).of(SkiffEvent.StateChanged.class).size();

        cluster.stop(leader);

        assertThat(cluster.awaitLeader()).isSameAs(preferred);
        TestCluster.drainEvents(weakened);
        final List<SkiffEvent.StateChanged> changes = cluster.events(weakened).of(SkiffEvent.StateChanged.class);
        assertThat(changes.subList(changesBefore, changes.size()))
            .as("roles of the weakened node while the preferred one was elected")
            .noneMatch(change -> change.to() == NodeState.PRE_CANDIDATE || change.to() == NodeState.CANDIDATE);
    }

    @Test
    void preferredNodeWinsWhenTheLeaderIsCutOffAndTheOtherFollowerIsWeakened() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final List<SkiffNode> followers = cluster.followersOf(leader);
        final SkiffNode preferred = followers.get(0);
        weaken(followers.get(1), WEAKENED);

        cluster.network().isolate(leader.address().toString());

        assertThat(TestCluster.awaitLeaderAmong(followers)).isSameAs(preferred);
        cluster.network().heal();
        assertThat(cluster.awaitLeader()).isSameAs(preferred);
    }

    @Test
    void weakeningEndsAfterItsDuration() {
        cluster = TestCluster.started();
        final SkiffNode leader = cluster.awaitLeader();
        final SkiffNode follower = cluster.followersOf(leader).get(0);

        weaken(follower, Duration.ofMillis(200));

        Await.until(follower + " reports that it follows again", () -> cluster.events(follower).count(
            SkiffEvent.StateChanged.class, change -> change.from() == NodeState.WEAKENED
                && change.to() == NodeState.FOLLOWER) == 1);
        assertThat(cluster.awaitLeader()).isSameAs(leader);
    }

    /** Weakens a node and waits until it reports so: like every operation, weakening is asynchronous. */
    private void weaken(SkiffNode node, Duration duration) {
        final EventLog events = cluster.events(node);
        final long before = events.count(SkiffEvent.StateChanged.class, change -> change.to() == NodeState.WEAKENED);
        node.weaken(duration);
        Await.until(node + " reports that it is weakened", () -> events.count(SkiffEvent.StateChanged.class,
            change -> change.to() == NodeState.WEAKENED) > before);
    }
}
